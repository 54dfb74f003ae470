package dev.keycard.server.console;

import dev.keycard.server.event.RecentEvents;

/**
 * What Keycard keeps while the console is on: its sessions, this node's activity for the overview
 * and this node's recent audit events for the audit view.
 */
public record Console(ConsoleSessions sessions, Activity activity, RecentEvents events) {
}
