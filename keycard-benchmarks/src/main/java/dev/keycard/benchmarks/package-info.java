/** JMH benchmarks of Keycard's token path, against a real server started in the benchmark's JVM. */
@NullMarked
package dev.keycard.benchmarks;

import org.jspecify.annotations.NullMarked;
