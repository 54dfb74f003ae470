@NullMarked
package dev.keycard.resource;

import org.jspecify.annotations.NullMarked;
