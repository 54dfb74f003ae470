@NullMarked
package dev.keycard.server.admin;

import org.jspecify.annotations.NullMarked;
