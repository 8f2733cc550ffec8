package lab.gradient.store;

import org.jdbi.v3.core.Jdbi;

/** The owner ids (token hashes) this server issued, and to which client address. */
public final class TokenStore {
    private final Jdbi jdbi;

    public TokenStore(Database database) {
        this.jdbi = database.jdbi();
    }

    public void insert(String owner, String issuedTo) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO issued_tokens (owner, issued_to) VALUES (?, ?)")
                .bind(0, owner).bind(1, issuedTo).execute());
    }

    public boolean exists(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM issued_tokens WHERE owner = ?").bind(0, owner)
                .mapTo(Integer.class).one()) > 0;
    }
}
