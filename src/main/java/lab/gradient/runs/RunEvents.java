package lab.gradient.runs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In-process live events per run: the API's event stream and the UI subscribe here, not to the database. */
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

    void publish(RunEvent event) {
        for (Consumer<RunEvent> listener : listeners.getOrDefault(event.runId(), List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // one broken subscriber must not stop the training that feeds everyone else
                log.warn("a run event listener failed: {}", e.toString());
            }
        }
    }
}
