package dev.keycard.server.admin;

/**
 * Every admin use case, as the adapters (the admin API, the console) reach them.
 *
 * @param apis APIs (resource servers)
 * @param clients clients, their grants and secrets
 * @param keys signing keys
 * @param revocations every token of a client at once
 * @param trust the trust sources of workload identity federation
 */
public record AdminUseCases(ApiAdmin apis, ClientAdmin clients, KeyAdmin keys, TokenRevocationAdmin revocations,
                            TrustAdmin trust) {
}
