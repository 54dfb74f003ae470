@NullMarked
package dev.keycard.server.client;

import org.jspecify.annotations.NullMarked;
