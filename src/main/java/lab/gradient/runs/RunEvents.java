package lab.gradient.runs;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process live events per run: the API's event streams and the UI subscribe here, not to the database. A listener
 * runs on the thread that publishes (the run's training thread), so it must only hand the event on, never block: the
 * UI notes it for its next poll, an event stream queues it for a non-blocking write. No thread is kept per listener.
 *
 * <p>Two channels per run: its training's events (published once for every run sharing the training, each listener
 * hearing them as its own run's) and the run's own (it was cancelled alone while the training goes on for others;
 * after its own last event it hears nothing of the training any more).
 */
public final class RunEvents {
    private static final Logger log = LoggerFactory.getLogger(RunEvents.class);
    private final Map<String, List<Consumer<RunEvent>>> runListeners = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<RunEvent>>> trainingListeners = new ConcurrentHashMap<>();

    /** Listens to one run and the training it follows until the returned handle is closed. */
    public AutoCloseable subscribe(String runId, String trainingId, Consumer<RunEvent> listener) {
        AtomicBoolean ownEnd = new AtomicBoolean();
        Consumer<RunEvent> own = e -> {
            if (e instanceof RunEvent.Status s && s.finished()) ownEnd.set(true);
            listener.accept(e);
        };
        Consumer<RunEvent> shared = e -> {
            if (!ownEnd.get()) listener.accept(e.ofRun(runId));
        };
        boolean first = !trainingListeners.containsKey(trainingId);
        AutoCloseable a = add(runListeners, runId, own), b = add(trainingListeners, trainingId, shared);
        if (first) firstListener.accept(trainingId);
        return () -> {
            a.close();
            b.close();
        };
    }

    private static AutoCloseable add(Map<String, List<Consumer<RunEvent>>> listeners, String id, Consumer<RunEvent> listener) {
        // added under the map's lock for this id: a list that the last listener's removal is dropping is never joined
        listeners.compute(id, (k, list) -> {
            List<Consumer<RunEvent>> joined = list == null ? new CopyOnWriteArrayList<>() : list;
            joined.add(listener);
            return joined;
        });
        return () -> listeners.computeIfPresent(id, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    private volatile Consumer<String> firstListener = training -> { };

    /** Told, on the subscriber's thread, when a training gets its first listener here. */
    void onFirstListener(Consumer<String> hook) {
        this.firstListener = hook;
    }

    boolean isHeard(String trainingId) {
        return trainingListeners.containsKey(trainingId);
    }

    /** The trainings someone here listens to. */
    Set<String> trainingsHeard() {
        return Set.copyOf(trainingListeners.keySet());
    }

    /** Subscriptions open: what a test reads to see that closed streams let go. */
    public int listenerCount() {
        return runListeners.values().stream().mapToInt(List::size).sum();
    }

    /** Tells one run's listeners, on this thread: an event of this run alone. */
    public void publish(RunEvent event) {
        deliver(runListeners, event);
    }

    /** Tells the listeners of every run following the training {@code event.runId()} names, on this thread. */
    public void publishTraining(RunEvent event) {
        deliver(trainingListeners, event);
    }

    private static void deliver(Map<String, List<Consumer<RunEvent>>> listeners, RunEvent event) {
        for (Consumer<RunEvent> listener : listeners.getOrDefault(event.runId(), List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a run event listener failed: {}", e.toString());
            }
        }
    }
}
