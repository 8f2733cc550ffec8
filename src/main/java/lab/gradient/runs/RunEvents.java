package lab.gradient.runs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process live events per run: the API's event streams and the UI subscribe here, not to the database. A listener
 * runs on the thread that publishes (the run's training thread), so it must only hand the event on, never block: the
 * UI notes it for its next poll, an event stream queues it for a non-blocking write. No thread is kept per listener.
 */
public final class RunEvents {
    private static final Logger log = LoggerFactory.getLogger(RunEvents.class);
    private final Map<String, List<Consumer<RunEvent>>> listeners = new ConcurrentHashMap<>();

    /** Listens to one run until the returned handle is closed. */
    public AutoCloseable subscribe(String runId, Consumer<RunEvent> listener) {
        listeners.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(runId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Listeners of all runs: what a test reads to see that closed streams let go. */
    public int listenerCount() {
        return listeners.values().stream().mapToInt(List::size).sum();
    }

    /** Tells the run's listeners, on this thread. */
    public void publish(RunEvent event) {
        for (Consumer<RunEvent> listener : listeners.getOrDefault(event.runId(), List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a run event listener failed: {}", e.toString());
            }
        }
    }
}
