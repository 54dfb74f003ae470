@NullMarked
package dev.keycard.server.config;

import org.jspecify.annotations.NullMarked;
