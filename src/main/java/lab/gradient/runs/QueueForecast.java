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
import java.util.TreeMap;
import lab.gradient.store.QueueStore;
import lab.gradient.training.Cost;

/**
 * Where each queued run stands and when it should start. Its place is its rank in the {@link FairLine} as the database
 * holds it now, which only ever moves forward; a run whose owner's earlier run holds their place has none yet, and
 * says how many of its owner's runs go before it. Its start is the line played forward over the runs training and
 * waiting now (places taken as the workers take them, the per-student and per-lab limits), each run taking as long as
 * this server's pace says ({@link ServerPace}); runs sharing a training start and end together. A start is a forecast,
 * not a promise, and NaN where the pace is not known yet.
 */
public final class QueueForecast {
    /**
     * {@code position}: the run's place in line, 1 for the next to start, null while an earlier run of its owner holds
     * their place ({@code ownRunsAhead} of them wait before it); {@code startsInSeconds}: from now, at this server's
     * median pace; {@code earliestSeconds} and {@code latestSeconds}: the same at its quicker and slower paces (its
     * recent runs' quartiles), the range a student should expect.
     */
    public record Place(Integer position, int ownRunsAhead, double startsInSeconds, double earliestSeconds, double latestSeconds) {
        public Place(int position, double startsInSeconds) {
            this(position, 0, startsInSeconds, startsInSeconds, startsInSeconds);
        }

        Place withTimes(double startsIn, double earliest, double latest) {
            return new Place(position, ownRunsAhead, startsIn, earliest, latest);
        }
    }

    /** Seconds one step of a run takes on this server at quantile {@code q} of its recent paces, NaN if not known. */
    interface Paces {
        double secondsPerIteration(String model, double flopsPerIteration, double q);
    }

    /** The places, each with its start at the median pace and the range between the quicker and the slower quartile. */
    static Map<String, Place> withRange(List<QueueStore.WaitingOwner> owners, List<QueueStore.Active> active, int workers,
            int maxRunningPerOwner, Paces pace) {
        Map<String, Place> median = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.5));
        Map<String, Place> quick = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.25));
        Map<String, Place> slow = of(owners, active, workers, maxRunningPerOwner, (m, f) -> pace.secondsPerIteration(m, f, 0.75));
        Map<String, Place> out = new HashMap<>();
        median.forEach((id, p) -> {
            double a = quick.containsKey(id) ? quick.get(id).startsInSeconds() : p.startsInSeconds();
            double b = slow.containsKey(id) ? slow.get(id).startsInSeconds() : p.startsInSeconds();
            out.put(id, p.withTimes(p.startsInSeconds(), Math.min(a, Math.min(b, p.startsInSeconds())),
                    Math.max(a, Math.max(b, p.startsInSeconds()))));
        });
        return out;
    }

    /** Seconds one step of a run takes on this server, NaN if not known. */
    interface Pace {
        double secondsPerIteration(String model, double flopsPerIteration);
    }

    /** An owner's waiting runs in one lab (or outside labs) that hold no place yet, in the order they were submitted. */
    private record Group(String owner, String lab, int labCap, ArrayDeque<QueueStore.Active> waiting) {}

    /** A training ending at {@code at}, freeing a worker and one run of each of its followers. */
    private record Ending(double at, List<QueueStore.Active> followers) {}

    static Map<String, Place> of(List<QueueStore.WaitingOwner> owners, List<QueueStore.Active> active, int workers,
            int maxRunningPerOwner, Pace pace) {
        FairLine rules = FairLine.rules(maxRunningPerOwner);
        Map<String, Integer> running = new HashMap<>(), runningInLab = new HashMap<>();
        PriorityQueue<Ending> endings = new PriorityQueue<>(Comparator.comparingDouble(Ending::at));
        Map<String, Group> groups = new LinkedHashMap<>();
        // when each owner last started a run (none: null); a start the forecast makes comes after every real one, in
        // the order it makes them: what orders owners who take places together
        Map<String, OffsetDateTime> lastStart = new HashMap<>();
        for (QueueStore.WaitingOwner o : owners) if (o.lastStart() != null) lastStart.merge(o.owner(), o.lastStart(), (a, b) -> a.isAfter(b) ? a : b);
        OffsetDateTime simulated = lastStart.values().stream().max(Comparator.naturalOrder()).orElse(OffsetDateTime.MIN);
        for (QueueStore.WaitingOwner o : owners) groups.put(key(o.owner(), o.lab()), new Group(o.owner(), o.lab(), o.labCap(), new ArrayDeque<>()));
        // the submission order (activeRuns lists the waiting runs in it): a group's earliest waiting run, as the store reads it
        Map<String, Integer> submitted = new HashMap<>();
        for (QueueStore.Active run : active) submitted.put(run.id(), submitted.size());
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
        TreeMap<Long, QueueStore.Active> line = new TreeMap<>();
        Map<String, Place> places = placesNow(active, groups, running, line);
        long lastSeq = line.isEmpty() ? 0 : line.lastKey();

        int free = Math.max(0, workers - endings.size());
        double now = 0;
        long startsSoFar = 0;
        Map<String, Double> startAt = new HashMap<>();
        while (!line.isEmpty() || groups.values().stream().anyMatch(g -> !g.waiting().isEmpty())) {
            // places taken at the end of the line as the workers' claims take them: the same rules on this moment's counts
            Map<String, Integer> inLine = new HashMap<>();
            line.values().forEach(r -> inLine.merge(key(r.owner(), r.lab()), submitted.get(r.id()), Math::min));
            List<QueueStore.WaitingOwner> waiting = groups.values().stream()
                    .filter(g -> !g.waiting().isEmpty() || inLine.containsKey(key(g.owner(), g.lab())))
                    .map(g -> asWaiting(g, running, runningInLab, lastStart, inLine.get(key(g.owner(), g.lab())), submitted)).toList();
            for (QueueStore.WaitingOwner o : rules.joining(waiting)) line.put(++lastSeq, groups.get(key(o.owner(), o.lab())).waiting().poll());
            QueueStore.Active next = null;
            if (free > 0) {
                next = line.values().stream()
                        .filter(r -> rules.mayStart(asWaiting(groups.get(key(r.owner(), r.lab())), running, runningInLab, lastStart,
                                submitted.get(r.id()), submitted)))
                        .findFirst().orElse(null);
            }
            if (next != null) {
                // the run starts its training, and with it every run following the same training
                List<QueueStore.Active> followers = byTraining.get(next.trainingId());
                for (QueueStore.Active follower : followers) {
                    startAt.put(follower.id(), known ? now : Double.NaN);
                    line.values().remove(follower);
                    Group of = groups.get(key(follower.owner(), follower.lab()));
                    if (of != null) of.waiting().remove(follower);
                    count(running, runningInLab, follower.owner(), follower.lab(), 1);
                }
                lastStart.put(next.owner(), simulated.plusNanos(++startsSoFar));
                double step = pace.secondsPerIteration(next.model(), next.flopsPerIteration());
                known &= Double.isFinite(step);
                endings.add(new Ending(now + orNominal(step, next) * next.totalIterations(), followers));
                free--;
                continue;
            }
            Ending ended = endings.poll();
            if (ended == null) break; // nothing would free a worker (no workers here): the rest have no start
            now = ended.at();
            ended.followers().forEach(r -> count(running, runningInLab, r.owner(), r.lab(), -1));
            free++;
        }
        Map<String, Place> out = new HashMap<>();
        places.forEach((id, p) -> {
            double at = startAt.getOrDefault(id, Double.NaN);
            out.put(id, p.withTimes(at, at, at));
        });
        return out;
    }

    /**
     * Each waiting run's place as the line stands now: its rank among the places (a run following a training that a
     * place will start shares that place), or none, with the count of its owner's runs it waits for (those waiting
     * before it, in any lab, and those training). Fills {@code line} with the places and each group with its runs
     * that hold none.
     */
    private static Map<String, Place> placesNow(List<QueueStore.Active> active, Map<String, Group> groups, Map<String, Integer> running,
            TreeMap<Long, QueueStore.Active> line) {
        for (QueueStore.Active run : active) {
            if (run.running()) continue;
            if (run.lineSeq() != null) line.put(run.lineSeq(), run);
            else if (groups.containsKey(key(run.owner(), run.lab()))) groups.get(key(run.owner(), run.lab())).waiting().add(run);
        }
        Map<String, Integer> rankOfTraining = new HashMap<>();
        int rank = 0;
        for (QueueStore.Active run : line.values()) {
            if (!rankOfTraining.containsKey(run.trainingId())) rankOfTraining.put(run.trainingId(), ++rank);
        }
        Map<String, Integer> ownBefore = new HashMap<>();
        Map<String, Place> places = new HashMap<>();
        for (QueueStore.Active run : active) {
            if (run.running()) continue;
            int before = ownBefore.merge(run.owner(), 1, Integer::sum) - 1;
            Integer position = rankOfTraining.get(run.trainingId());
            places.put(run.id(), new Place(position, position == null ? before + running.getOrDefault(run.owner(), 0) : 0,
                    Double.NaN, Double.NaN, Double.NaN));
        }
        return places;
    }

    /**
     * A group as the line's rules read it, with the counts of this moment of the forecast; {@code placed}: the submission
     * order of its run holding a place, null if none does.
     */
    private static QueueStore.WaitingOwner asWaiting(Group g, Map<String, Integer> running, Map<String, Integer> runningInLab,
            Map<String, OffsetDateTime> lastStart, Integer placed, Map<String, Integer> submitted) {
        long first = Math.min(placed == null ? Long.MAX_VALUE : placed, g.waiting().isEmpty() ? Long.MAX_VALUE : submitted.get(g.waiting().peek().id()));
        return new QueueStore.WaitingOwner(g.owner(), g.lab(), first, running.getOrDefault(g.owner(), 0),
                runningInLab.getOrDefault(key(g.owner(), g.lab()), 0), g.labCap(), lastStart.get(g.owner()), placed != null);
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
