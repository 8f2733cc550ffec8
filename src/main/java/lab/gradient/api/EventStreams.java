package lab.gradient.api;

import io.javalin.http.Context;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.gradient.model.Json;
import lab.gradient.model.Run;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;

/**
 * A run's live events as server-sent events, with no thread per listener: each stream writes with the servlet's
 * non-blocking output (it writes only when the connection can take more, and never blocks the training thread that
 * publishes), and sends a heartbeat every few seconds so a client that went away is noticed, its subscription dropped,
 * within {@value #HEARTBEAT_SECONDS}–{@code 2×} seconds.
 *
 * <p>Capped so no one can fill it for others (429 beyond): anyone with a run's link may hold {@value #PER_RUN} streams of
 * a run between them, {@value #PER_ADDRESS} per client address and {@value #STRANGERS} in all. The run's owner and its
 * lab's members ("insiders") are counted apart, {@value #PER_INSIDER} streams per identity and {@value #TOTAL} in all
 * with the strangers', so strangers filling their caps never refuse the people whose run it is. Every count is changed
 * under its map's lock for its key and given back exactly once, when the stream ends however it ends.
 */
final class EventStreams implements AutoCloseable {
    static final int PER_RUN = 100, PER_ADDRESS = 20, STRANGERS = 800, PER_INSIDER = 10, TOTAL = 1000;
    static final int HEARTBEAT_SECONDS = 3;
    /** Events waiting for a client that does not read; past this the stream is closed as too slow. */
    static final int MAX_PENDING = 1000;
    private static final String ALL = "";

    private final RunService runs;
    private final Map<String, Integer> perRun = new ConcurrentHashMap<>(), perAddress = new ConcurrentHashMap<>(),
            perInsider = new ConcurrentHashMap<>(), strangers = new ConcurrentHashMap<>(), total = new ConcurrentHashMap<>();
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-stream-heartbeat");
        t.setDaemon(true);
        return t;
    });

    EventStreams(RunService runs) {
        this.runs = runs;
        heartbeat.scheduleAtFixedRate(() -> open.forEach(s -> s.enqueue(": ping\n\n")), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** One count taken: which map and key, to give back. */
    private record Slot(Map<String, Integer> counts, String key) {}

    /** Streams {@code run}'s events: its status at once, then progress, metrics and status until it ends. */
    void stream(Context ctx, Run run, List<String> callers) {
        String runId = run.id();
        List<Slot> slots = runs.permissions().isInsider(run, callers)
                ? take(List.of(new Slot(perInsider, callers.get(0)), new Slot(total, ALL)), List.of(PER_INSIDER, TOTAL))
                : take(List.of(new Slot(perRun, runId), new Slot(perAddress, ctx.ip()), new Slot(strangers, ALL), new Slot(total, ALL)),
                        List.of(PER_RUN, PER_ADDRESS, STRANGERS, TOTAL));
        if (slots == null) {
            throw new ApiError(429, "too many live event streams (at most " + PER_RUN + " per run, " + PER_ADDRESS + " per address, "
                    + TOTAL + " in all): poll GET /api/runs/{id} instead", null);
        }
        ctx.status(200).contentType("text/event-stream;charset=utf-8").header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no");
        CompletableFuture<Void> done = new CompletableFuture<>();
        // given back when the stream ends, whatever ends it (even a stream that failed to start)
        done.whenComplete((ok, error) -> slots.forEach(EventStreams::release));
        ctx.future(() -> {
            Stream stream;
            try {
                stream = new Stream(ctx.req().getAsyncContext(), done);
            } catch (IOException | RuntimeException e) {
                done.complete(null);
                return done;
            }
            done.whenComplete((ok, error) -> {
                open.remove(stream);
                stream.closeSubscription();
            });
            open.add(stream);
            stream.enqueue(statusEvent(run));
            if (RunStatus.of(run.status()).isFinal()) {
                stream.finishAfterFlush();
                return done;
            }
            stream.subscribe(runs.events().subscribe(runId, run.trainingId(), stream::send));
            // a run that ended between the first look and the subscription is seen here
            Run now = runs.run(runId).orElse(null);
            if (now == null || RunStatus.of(now.status()).isFinal()) {
                stream.enqueue(statusEvent(now));
                stream.finishAfterFlush();
            }
            return done;
        });
    }

    /** Takes one of each slot, each within its limit, or none of them (null). */
    private static List<Slot> take(List<Slot> slots, List<Integer> limits) {
        for (int i = 0; i < slots.size(); i++) {
            if (!take(slots.get(i), limits.get(i))) {
                for (int j = 0; j < i; j++) release(slots.get(j));
                return null;
            }
        }
        return slots;
    }

    private static boolean take(Slot slot, int max) {
        boolean[] taken = {false};
        slot.counts().compute(slot.key(), (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private static void release(Slot slot) {
        slot.counts().computeIfPresent(slot.key(), (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Streams counted now, per cap: what a test reads to see that every stream gave its places back. */
    Map<String, Integer> counts() {
        return Map.of("perRun", perRun.values().stream().mapToInt(Integer::intValue).sum(),
                "perAddress", perAddress.values().stream().mapToInt(Integer::intValue).sum(),
                "perInsider", perInsider.values().stream().mapToInt(Integer::intValue).sum(),
                "strangers", strangers.getOrDefault(ALL, 0), "total", total.getOrDefault(ALL, 0));
    }

    private static String statusEvent(Run run) {
        return event("status", Map.of("status", run == null ? "deleted" : run.status(), "iteration", run == null ? 0 : run.iterations()));
    }

    static String event(String name, Object data) {
        return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        open.forEach(s -> s.done.complete(null));
    }

    /** One client's stream: a queue of text, written whenever the connection is ready for more. */
    private static final class Stream implements WriteListener, AsyncListener {
        private final ServletOutputStream out;
        private final CompletableFuture<Void> done;
        private final Queue<String> pending = new ArrayDeque<>();
        private volatile AutoCloseable subscription;
        private boolean finishing;

        Stream(AsyncContext async, CompletableFuture<Void> done) throws IOException {
            this.done = done;
            this.out = async.getResponse().getOutputStream();
            async.addListener(this);
            out.setWriteListener(this);
        }

        void subscribe(AutoCloseable subscription) {
            this.subscription = subscription;
            if (done.isDone()) closeSubscription();
        }

        void closeSubscription() {
            AutoCloseable s = subscription;
            if (s == null) return;
            try {
                s.close();
            } catch (Exception ignored) {
                // closing a subscription cannot fail
            }
        }

        void send(RunEvent event) {
            if (event instanceof RunEvent.Progress p) {
                enqueue(event("progress", RunViews.progressEvent(p)));
            } else if (event instanceof RunEvent.Metrics m) {
                enqueue(event("metrics", RunViews.metricsEvent(m)));
            } else if (event instanceof RunEvent.Status s) {
                enqueue(event("status", Map.of("status", s.status().id())));
                if (s.finished()) finishAfterFlush();
            }
        }

        synchronized void enqueue(String text) {
            if (done.isDone() || finishing) return;
            if (pending.size() >= MAX_PENDING) {
                done.complete(null); // a client this far behind has stopped reading
                return;
            }
            pending.add(text);
            pump();
        }

        /** The stream ends once what is queued has been written. */
        synchronized void finishAfterFlush() {
            finishing = true;
            pump();
        }

        @Override
        public synchronized void onWritePossible() {
            pump();
        }

        /** Writes while the connection takes more without blocking; the container calls back when it can again. */
        private void pump() {
            try {
                while (out.isReady()) {
                    String next = pending.poll();
                    if (next == null) {
                        if (finishing) done.complete(null);
                        return;
                    }
                    out.write(next.getBytes(StandardCharsets.UTF_8));
                    if (out.isReady()) out.flush();
                }
            } catch (IOException | IllegalStateException e) {
                done.complete(null); // the client went away
            }
        }

        @Override
        public void onError(Throwable t) {
            done.complete(null);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            done.complete(null);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            done.complete(null);
        }

        @Override
        public void onError(AsyncEvent event) {
            done.complete(null);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // nothing to do: the stream was set up when async began
        }
    }
}
