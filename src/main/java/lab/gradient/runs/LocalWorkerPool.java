package lab.gradient.runs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import lab.gradient.model.Run;
import lab.gradient.store.Ids;
import lab.gradient.store.QueueStore;
import lab.gradient.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process training queue: {@code workers} threads, each claiming the next run from the database and
 * training it. The next run is the first in the {@link FairLine}: one owner's twenty runs hold one place in it and do
 * not hold back another owner's one. In a lab this is round-robin over the students, and a student has at most the
 * lab's {@code maxTrainingPerStudent} runs training at once (one by default).
 */
public final class LocalWorkerPool implements TrainingQueue {
    private static final Logger log = LoggerFactory.getLogger(LocalWorkerPool.class);
    private static final long POLL_MILLIS = 1000;
    /** Well inside {@link RunStore#LEASE_SECONDS}: a lost worker is noticed within lease + renewal ≤ 20 s. */
    static final int LEASE_RENEWAL_SECONDS = 2;

    private final RunStore store;
    private final int workers;
    private final QueuePolicy policy;
    private final Consumer<Run> execution;
    private final ExecutorService threads;
    private final ScheduledExecutorService leases;
    /** This pool's name in {@code trainings.worker}: unique across processes and restarts. */
    private final String workerId;
    private final Map<String, AtomicBoolean> cancelFlags = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private volatile boolean running;

    /** {@code execution} trains one claimed run, reading {@link #cancelFlag} between iterations. */
    public LocalWorkerPool(RunStore store, int workers, QueuePolicy policy, Consumer<Run> execution) {
        this.store = store;
        this.workers = workers;
        this.policy = policy;
        this.execution = execution;
        this.threads = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "training-worker");
            t.setDaemon(true);
            return t;
        });
        this.leases = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "training-leases");
            t.setDaemon(true);
            return t;
        });
        this.workerId = ProcessHandle.current().pid() + "@" + hostName() + "/" + Ids.newId();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    public void start() {
        running = true;
        if (workers > 0) announce();
        for (int i = 0; i < workers; i++) threads.submit(this::work);
        leases.scheduleWithFixedDelay(this::keepLeases, LEASE_RENEWAL_SECONDS, LEASE_RENEWAL_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Every few seconds: renews this pool's leases and stops what another process asked to stop; and, in every
     * process, gives back to the queue (or marks interrupted) trainings whose worker's lease ran out.
     */
    private void keepLeases() {
        try {
            if (workers > 0) {
                announce();
                store.queue().renewLeases(workerId).forEach(this::cancelRunning);
            }
            int[] recovered = store.queue().recoverExpired();
            if (recovered[0] + recovered[1] > 0) {
                log.warn("{} training(s) lost their worker: {} queued to resume from a checkpoint, {} interrupted",
                        recovered[0] + recovered[1], recovered[0], recovered[1]);
                wake();
            }
        } catch (RuntimeException e) {
            if (running) log.warn("could not renew the training leases: {}", e.toString());
        }
    }

    /** Tells every process sharing the database how many runs this pool trains (their queue forecasts count them). */
    private void announce() {
        store.queue().announceWorkers(workerId, workers);
    }

    @Override
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    @Override
    public boolean cancelRunning(String trainingId) {
        AtomicBoolean flag = cancelFlags.get(trainingId);
        if (flag == null) return false;
        flag.set(true);
        return true;
    }

    /** True while a worker of this pool trains it. */
    boolean trainsHere(String trainingId) {
        return cancelFlags.containsKey(trainingId);
    }

    /** This pool's hold on a training one of its workers claimed: what the training's writes carry. */
    QueueStore.Lease lease(String trainingId) {
        return new QueueStore.Lease(trainingId, workerId);
    }

    AtomicBoolean cancelFlag(String trainingId) {
        return cancelFlags.computeIfAbsent(trainingId, id -> new AtomicBoolean());
    }

    private void work() {
        while (running) {
            Optional<Run> next;
            try {
                next = claimNext();
            } catch (RuntimeException e) {
                if (!running) return;
                log.warn("could not read the queue: {}", e.toString());
                next = Optional.empty();
            }
            if (next.isEmpty()) {
                synchronized (wakeUp) {
                    try {
                        wakeUp.wait(POLL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            Run run = next.get();
            cancelFlag(run.trainingId());
            try {
                execution.accept(run);
            } catch (RuntimeException | Error e) {
                log.error("run {} failed outside training", run.id(), e);
            } finally {
                cancelFlags.remove(run.trainingId());
            }
        }
    }

    /** Atomically claims the first run in the fair line that may start, or nothing (QueueStore.claimNext: across processes too). */
    Optional<Run> claimNext() {
        return store.queue().claimNext(workerId, FairLine.rules(policy.maxRunningPerOwner()));
    }

    @Override
    public void close() {
        running = false;
        cancelFlags.values().forEach(flag -> flag.set(true));
        wake();
        leases.shutdownNow();
        threads.shutdown();
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (workers > 0) store.queue().retireWorkers(workerId);
        } catch (RuntimeException e) {
            log.warn("could not say that this process's workers stopped: {}", e.toString());
        }
    }
}
