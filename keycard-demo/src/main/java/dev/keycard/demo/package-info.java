@NullMarked
package dev.keycard.demo;

import org.jspecify.annotations.NullMarked;
