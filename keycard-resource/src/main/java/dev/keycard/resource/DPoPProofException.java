package dev.keycard.resource;

/**
 * A DPoP proof (RFC 9449) was refused. {@link #error()} is the code to answer with:
 * {@code invalid_dpop_proof} for a proof that fails a check of §4.3, or {@code use_dpop_nonce}
 * (§8, §9) when the proof lacks the nonce the server requires or carries one it no longer
 * accepts; the answer then carries a fresh nonce in a {@code DPoP-Nonce} header. The message is
 * the reason, in ASCII, naming the check that failed and never a token.
 */
public final class DPoPProofException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The §4.3 error code. */
    public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";
    /** The §8 error code: retry with the nonce in the {@code DPoP-Nonce} header. */
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";

    private final String error;

    private DPoPProofException(String error, String reason) {
        super(reason, null, false, false);
        this.error = error;
    }

    /** A proof failing a check of RFC 9449 §4.3. */
    public static DPoPProofException invalid(String reason) {
        return new DPoPProofException(INVALID_DPOP_PROOF, reason);
    }

    /** A proof without the nonce the server requires, or with one it no longer accepts. */
    public static DPoPProofException useNonce(String reason) {
        return new DPoPProofException(USE_DPOP_NONCE, reason);
    }

    /** {@code invalid_dpop_proof} or {@code use_dpop_nonce}. */
    public String error() {
        return error;
    }

    /** Whether the answer is {@code use_dpop_nonce}, to be retried with a fresh nonce. */
    public boolean useNonce() {
        return USE_DPOP_NONCE.equals(error);
    }
}
