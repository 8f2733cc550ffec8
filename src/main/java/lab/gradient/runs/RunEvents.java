package lab.gradient.runs;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process live events per run: the API's event stream and the UI subscribe here, not to the database. Each
 * subscriber gets the events in order on its own thread, so a slow browser never slows the training that feeds it.
 */
public final class RunEvents {
    private static final Logger log = LoggerFactory.getLogger(RunEvents.class);
    private static final int QUEUE_CAPACITY = 10_000;
    private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();

    /** Listens to one run until the returned handle is closed. */
    public AutoCloseable subscribe(String runId, Consumer<RunEvent> listener) {
        Subscriber subscriber = new Subscriber(listener);
        subscribers.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(subscriber);
        subscriber.thread.start();
        return () -> {
            subscribers.computeIfPresent(runId, (id, list) -> {
                list.remove(subscriber);
                return list.isEmpty() ? null : list;
            });
            subscriber.stop();
        };
    }

    void publish(RunEvent event) {
        for (Subscriber s : subscribers.getOrDefault(event.runId(), List.of())) s.offer(event);
    }

    private static final class Subscriber {
        private static final RunEvent STOP = new RunEvent.Status("", RunStatus.CANCELLED, true);
        private final BlockingQueue<RunEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final Thread thread;

        Subscriber(Consumer<RunEvent> listener) {
            thread = new Thread(() -> {
                try {
                    for (RunEvent e = queue.take(); e != STOP; e = queue.take()) {
                        try {
                            listener.accept(e);
                        } catch (RuntimeException ex) {
                            log.warn("a run event listener failed: {}", ex.toString());
                        }
                    }
                } catch (InterruptedException ignored) {
                    // stopped
                }
            }, "run-events");
            thread.setDaemon(true);
        }

        void offer(RunEvent event) {
            // a subscriber that stopped reading loses events rather than holding memory or the trainer
            if (!queue.offer(event)) log.debug("run event dropped for a stalled subscriber");
        }

        void stop() {
            queue.clear();
            queue.offer(STOP);
        }
    }
}
