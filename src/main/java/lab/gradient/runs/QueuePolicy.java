package lab.gradient.runs;

/**
 * Limits that keep one server fair: at most {@code maxActivePerOwner} queued or running runs per owner, at most
 * {@code maxActivePerAddress} for all the identities issued to one client address (a class behind one school router
 * shares an address: 30 students × a lesson's 4 runs, its arms and the variants its verdict needs, fit), at most {@code maxQueued} waiting in all, and at most
 * {@code maxRunningPerOwner} of one owner's runs training at once.
 */
public record QueuePolicy(int maxActivePerOwner, int maxActivePerAddress, int maxQueued, int maxRunningPerOwner) {
    public static QueuePolicy defaults(int workers) {
        return new QueuePolicy(20, 150, 500, workers);
    }
}
