package lab.gradient.runs;

import lab.gradient.store.TokenStore;

/**
 * Owner tokens come only from this server: it draws them, keeps their hashes with the client address that asked, and
 * accepts no other. A client can therefore never choose its own identity (or a victim's), and what an anonymous
 * client may hold in the queue is counted per address, not per identity it could mint.
 */
public final class IssuedTokens {
    private final TokenStore store;

    public IssuedTokens(TokenStore store) {
        this.store = store;
    }

    /** A new token for a caller at {@code address} (null if unknown); the server keeps only its hash. */
    public String issue(String address) {
        String token = OwnerTokens.newToken();
        store.insert(OwnerTokens.ownerOf(token), address);
        return token;
    }

    public boolean isIssued(String token) {
        return store.exists(OwnerTokens.ownerOf(token));
    }
}
