/**
 * Audit and metrics: what happened, for people ({@link dev.keycard.server.event.Audit}, one JSON
 * line per event) and for scrapers ({@link dev.keycard.server.event.Metrics}, Prometheus). Neither
 * ever holds a secret or a token, and neither makes a request wait.
 */
@NullMarked
package dev.keycard.server.event;

import org.jspecify.annotations.NullMarked;
