@NullMarked
package dev.keycard.resource.internal;

import org.jspecify.annotations.NullMarked;
