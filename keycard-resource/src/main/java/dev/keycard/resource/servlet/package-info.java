@NullMarked
package dev.keycard.resource.servlet;

import org.jspecify.annotations.NullMarked;
