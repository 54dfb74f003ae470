@NullMarked
package dev.keycard.client;

import org.jspecify.annotations.NullMarked;
