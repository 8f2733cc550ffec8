package lab.gradient.runs;

import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import lab.gradient.store.QueueStore;
import lab.gradient.training.Cost;

/**
 * Where each queued run stands and when it should start: the workers' fair policy (the same {@link LocalWorkerPool#FAIRNESS},
 * the per-student and per-lab limits) played forward over the runs training and waiting now, each run taking as long as
 * this server's pace says ({@link ServerPace}); runs sharing a training start and end together. A forecast, not a
 * promise: runs submitted later by a student with fewer runs can still go first, as fairness wants. Start times are
 * NaN where the pace is not known yet.
 */
public final class QueueForecast {
    /**
     * {@code position}: 1 for the next run to start; {@code startsInSeconds}: from now, at this server's median pace;
     * {@code earliestSeconds} and {@code latestSeconds}: the same at its quicker and slower paces (its recent runs'
     * quartiles), the range a student should expect.
     */
    public record Place(int position, double startsInSeconds, double earliestSeconds, double latestSeconds) {
        public Place(int position, double startsInSeconds) {
            this(position, startsInSeconds, startsInSeconds, startsInSeconds);
        }
    }

    /** Seconds one step of a run takes on this server at quantile {@code q} of its recent paces, NaN if not known. */
    interface Paces {
        double secondsPerIteration(String model, double flopsPerIteration, double q);
    }

    /**
     * The places at the median pace, each with the range between the forecasts at the quicker and the slower
     * quartile of the pace (the place is the median forecast's: who goes first can depend on whose run ends first).
     */
    static Map<String, Place> withRange(List<QueueStore.WaitingOwner> owners, List<QueueStore.Active> active, int workers,
            int maxRunningPerOwner, Paces pace) {
        Map<String, Place> median = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.5));
        Map<String, Place> quick = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.25));
        Map<String, Place> slow = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.75));
        Map<String, Place> out = new HashMap<>();
        median.forEach((id, p) -> {
            double a = quick.containsKey(id) ? quick.get(id).startsInSeconds() : p.startsInSeconds();
            double b = slow.containsKey(id) ? slow.get(id).startsInSeconds() : p.startsInSeconds();
            out.put(id, new Place(p.position(), p.startsInSeconds(), Math.min(a, Math.min(b, p.startsInSeconds())),
                    Math.max(a, Math.max(b, p.startsInSeconds()))));
        });
        return out;
    }

    /** Seconds one step of a run takes on this server, NaN if not known. */
    interface Pace {
        double secondsPerIteration(String model, double flopsPerIteration);
    }

    private record Group(String owner, String lab, int labCap, ArrayDeque<QueueStore.Active> queued) {}

    /** A training ending at {@code at}, freeing a worker and one run of each of its followers. */
    private record Ending(double at, List<QueueStore.Active> followers) {}

    static Map<String, Place> of(List<QueueStore.WaitingOwner> owners, List<QueueStore.Active> active, int workers,
            int maxRunningPerOwner, Pace pace) {
        Map<String, Integer> running = new HashMap<>(), runningInLab = new HashMap<>();
        PriorityQueue<Ending> endings = new PriorityQueue<>(Comparator.comparingDouble(Ending::at));
        Map<String, Group> groups = new LinkedHashMap<>();
        // when each owner last started a run (none: null, first in the fair order); a start the forecast makes comes
        // after every real one, in the order it makes them
        Map<String, OffsetDateTime> lastStart = new HashMap<>();
        for (QueueStore.WaitingOwner o : owners) if (o.lastStart() != null) lastStart.merge(o.owner(), o.lastStart(), (a, b) -> a.isAfter(b) ? a : b);
        OffsetDateTime simulated = lastStart.values().stream().max(Comparator.naturalOrder()).orElse(OffsetDateTime.MIN);
        Map<String, Long> firstSeq = new HashMap<>();
        for (QueueStore.WaitingOwner o : owners) {
            groups.put(key(o.owner(), o.lab()), new Group(o.owner(), o.lab(), o.labCap(), new ArrayDeque<>()));
            firstSeq.put(key(o.owner(), o.lab()), o.firstSeq());
        }
        boolean known = true;
        Map<String, List<QueueStore.Active>> byTraining = new LinkedHashMap<>();
        for (QueueStore.Active run : active) byTraining.computeIfAbsent(run.trainingId(), t -> new ArrayList<>()).add(run);
        for (List<QueueStore.Active> followers : byTraining.values()) {
            QueueStore.Active first = followers.get(0);
            if (!first.running()) continue;
            followers.forEach(r -> count(running, runningInLab, r.owner(), r.lab(), 1));
            double step = pace.secondsPerIteration(first.model(), first.flopsPerIteration());
            known &= Double.isFinite(step);
            endings.add(new Ending(orNominal(step, first) * Math.max(0, first.totalIterations() - first.iterations()), followers));
        }
        for (QueueStore.Active run : active) {
            Group g = groups.get(key(run.owner(), run.lab()));
            if (!run.running() && g != null) g.queued().add(run);
        }
        Map<String, Place> places = new HashMap<>();
        int free = Math.max(0, workers - endings.size());
        double now = 0;
        long startsSoFar = 0;
        while (groups.values().stream().anyMatch(g -> !g.queued().isEmpty())) {
            Group next = null;
            if (free > 0) {
                // the workers' own fair choice (LocalWorkerPool.FAIRNESS) among the owners who may start a run now,
                // each as the queue would show them at this moment of the forecast
                next = groups.values().stream().filter(g -> !g.queued().isEmpty())
                        .filter(g -> running.getOrDefault(g.owner(), 0) < maxRunningPerOwner)
                        .filter(g -> g.lab() == null || runningInLab.getOrDefault(key(g.owner(), g.lab()), 0) < g.labCap())
                        .min(Comparator.comparing((Group g) -> new QueueStore.WaitingOwner(g.owner(), g.lab(), firstSeq.get(key(g.owner(), g.lab())),
                                running.getOrDefault(g.owner(), 0), runningInLab.getOrDefault(key(g.owner(), g.lab()), 0), g.labCap(),
                                lastStart.get(g.owner())), LocalWorkerPool.FAIRNESS)).orElse(null);
            }
            if (next != null) {
                QueueStore.Active run = next.queued().peek();
                // the run starts its training, and with it every run following the same training
                List<QueueStore.Active> followers = byTraining.get(run.trainingId());
                Place place = new Place((int) ++startsSoFar, known ? now : Double.NaN);
                for (QueueStore.Active follower : followers) {
                    places.put(follower.id(), place);
                    Group of = groups.get(key(follower.owner(), follower.lab()));
                    if (of != null) of.queued().remove(follower);
                    count(running, runningInLab, follower.owner(), follower.lab(), 1);
                }
                lastStart.put(run.owner(), simulated.plusNanos(startsSoFar));
                double step = pace.secondsPerIteration(run.model(), run.flopsPerIteration());
                known &= Double.isFinite(step);
                endings.add(new Ending(now + orNominal(step, run) * run.totalIterations(), followers));
                free--;
                continue;
            }
            Ending ended = endings.poll();
            if (ended == null) break; // nothing would free a worker (no workers here): the rest have no place
            now = ended.at();
            ended.followers().forEach(r -> count(running, runningInLab, r.owner(), r.lab(), -1));
            free++;
        }
        return places;
    }

    /** Without a measured pace the forecast still orders runs, by their estimated work ({@code Cost}'s nominal rate). */
    private static double orNominal(double secondsPerIteration, QueueStore.Active run) {
        if (Double.isFinite(secondsPerIteration)) return secondsPerIteration;
        return Double.isFinite(run.flopsPerIteration()) ? Cost.nominalSeconds(run.flopsPerIteration()) : 0.01;
    }

    private static void count(Map<String, Integer> running, Map<String, Integer> runningInLab, String owner, String lab, int delta) {
        running.merge(owner, delta, Integer::sum);
        if (lab != null) runningInLab.merge(key(owner, lab), delta, Integer::sum);
    }

    private static String key(String owner, String lab) {
        return owner + "\u0000" + Objects.requireNonNullElse(lab, "");
    }
}
