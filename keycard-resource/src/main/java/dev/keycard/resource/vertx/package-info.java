@NullMarked
package dev.keycard.resource.vertx;

import org.jspecify.annotations.NullMarked;
