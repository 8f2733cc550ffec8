package lab.gradient.lessons;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.gradient.model.Experiment;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.model.Spectrum;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.RunService;
import lab.gradient.store.Ids;
import lab.gradient.store.SeedGroupStore;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingResult;

/** Lessons for every front door: list them, start one as an ordinary experiment, and judge its finished runs. */
public final class LessonService {
    private static final int LOSS_WINDOW = 20;

    private final RunService runs;
    private final SeedGroupStore groups;
    private final LessonLabs labs;
    /** How many finished seeds' checks are kept: a class of 30 with a seed each, on many lessons and labs at once. */
    static final int CHECKS_KEPT = 2048;
    /**
     * The checks of finished seeds, by the lesson and the runs they read. A finished run never changes, so a class's
     * pages do not read every seed's metrics again on each request; a run deleted changes the key. Least recently read
     * go first.
     */
    private final Map<String, List<Lesson.Check>> finishedChecks = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<Lesson.Check>> eldest) {
                    return size() > CHECKS_KEPT;
                }
            });

    /** {@code labs}: what a lesson started in a lab needs to know of it (the labs capability answers it). */
    public LessonService(RunService runs, SeedGroupStore groups, LessonLabs labs) {
        this.runs = runs;
        this.groups = groups;
        this.labs = labs;
    }

    public List<Lesson> all() {
        return Lessons.all();
    }

    /** The guided distance sweep: the defaults of every sweep. */
    public SweepLesson sweep() {
        return Lessons.distanceSweep();
    }

    public Optional<Lesson> lesson(String id) {
        return id == null ? Optional.empty() : Lessons.byId(id);
    }

    /** Parses an experiment request, lessons and labs' fixed sentences known: what both front doors call before submitting. */
    public RunService.ExperimentSpec parse(JsonNode body) {
        return ExperimentRequests.parse(body, labs::lockedCorpus, id -> Lessons.byId(id).isPresent());
    }

    /** Starts the lesson exactly as defined, with the given seed; in the lab with join code {@code lab} unless that is null. */
    public RunService.Submitted start(Lesson lesson, long seed, String owner, String lab) {
        return runs.submit(parse(withLab(lesson.experiment(seed), lab)), owner);
    }

    /** Starts one of the lesson's variants (runs its signature also needs), with the given seed. */
    public RunService.Submitted startVariant(Lesson lesson, String variant, long seed, String owner) {
        return runs.submit(parse(lesson.variant(variant, seed)), owner);
    }

    /** A lesson's seed group: the lesson's seed and the next four, so that a claim is seen as a law or as luck. */
    public static final int GROUP_SEEDS = 5;
    /** The most seeds one request may train a lesson on. */
    public static final int MAX_GROUP_SEEDS = 10;

    /** One seed of a lesson's group: the lesson's experiment on it, and its variants' experiments by name. */
    public record SeedRun(long seed, String experimentId, Map<String, String> variantExperiments) {}

    /**
     * Starts the lesson on {@code count} consecutive seeds from {@code seed}, each with its variants: as many ordinary
     * experiments, queued whole or refused whole, stored as one group; identical trainings are still shared (a class on
     * one seed trains each once).
     */
    public List<SeedRun> startGroup(Lesson lesson, long seed, int count, String owner) {
        if (count < 1 || count > MAX_GROUP_SEEDS) {
            throw new SettingsException("seeds", "must be between 1 and " + MAX_GROUP_SEEDS + ", was " + count);
        }
        return queueGroup(lesson, seed, count, owner, null, null);
    }

    /**
     * What a student's click on a lesson starts, the same from every page: on its own, the lesson on its group of
     * {@value #GROUP_SEEDS} seeds, to show its claim as a count; in the lab with join code {@code lab} (null: none), the
     * member's experiment judged over the class ({@link #startInLab}). Returns the experiment to open.
     */
    public String startLesson(Lesson lesson, String owner, String lab) {
        return lab == null ? startGroup(lesson, lesson.defaultSeed(), GROUP_SEEDS, owner).get(0).experimentId()
                : startInLab(lesson, lesson.defaultSeed(), owner, lab).experimentId();
    }

    /**
     * Starts the lesson for a member of the lab with join code {@code lab}, and returns their experiment. The lesson is
     * judged over the class: with one seed for the class, the lab's own group of {@value #GROUP_SEEDS} seeds, trained
     * once for everyone (queued by the first start); with a seed per student, every student's seed, this student's
     * started here with the variants its verdict needs.
     */
    public SeedRun startInLab(Lesson lesson, long seed, String owner, String lab) {
        Optional<LessonLabs.ClassOf> classOf = labs.classOf(lab, owner);
        // a lab without a lesson, or none with that code: one experiment, refused there if it must be, naming the field
        if (classOf.isEmpty()) return new SeedRun(seed, start(lesson, seed, owner, lab).experimentId(), Map.of());
        LessonLabs.ClassOf c = classOf.get();
        if (c.seedPerStudent()) return queueGroup(lesson, seed, 1, owner, lab, c).get(0);
        SeedRun own = new SeedRun(seed, start(lesson, seed, owner, lab).experimentId(), Map.of());
        synchronized (this) {
            // two servers may both queue it: the class's seeds are read by seed, and identical trainings still train once
            if (groups.membersOfLab(c.labId()).isEmpty()) queueGroup(lesson, lesson.defaultSeed(), GROUP_SEEDS, c.owner(), null, c);
        }
        return own;
    }

    /**
     * Queues the group; {@code lab} is the join code its lesson experiments are submitted in (null: none), and
     * {@code classOf} the lab the group is judged for (null: none), whose seed offset its variants take as the lesson's
     * experiments take it from the lab's rules.
     */
    private List<SeedRun> queueGroup(Lesson lesson, long seed, int count, String owner, String lab, LessonLabs.ClassOf classOf) {
        long offset = lab == null || classOf == null ? 0 : classOf.seedOffset();
        List<RunService.ExperimentSpec> specs = new ArrayList<>();
        List<SeedGroupStore.Member> members = new ArrayList<>();
        for (long s = seed; s < seed + count; s++) {
            specs.add(parse(withLab(lesson.experiment(s), lab)));
            members.add(new SeedGroupStore.Member(null, s + offset, null));
            for (String name : lesson.variants().keySet()) {
                specs.add(parse(lesson.variant(name, s + offset)));
                members.add(new SeedGroupStore.Member(null, s + offset, name));
            }
        }
        String groupId = Ids.newId();
        List<RunService.Submitted> submitted = runs.submitAll(specs, owner,
                SeedGroupStore.with(groupId, classOf == null ? null : classOf.labId(), members));
        List<SeedGroupStore.Member> stored = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            stored.add(new SeedGroupStore.Member(submitted.get(i).experimentId(), members.get(i).seed(), members.get(i).variant()));
        }
        return seedRuns(stored);
    }

    /**
     * The seed group this experiment is judged in (every seed of it still stored), or empty if it has none: the group it
     * was started in, or, for a lesson started in a lab, the class's seeds.
     */
    public Optional<List<SeedRun>> group(String experimentId) {
        Optional<SeedGroupStore.Membership> membership = groups.groupOf(experimentId);
        String labId = membership.map(SeedGroupStore.Membership::labId)
                .orElseGet(() -> runs.experiment(experimentId).map(Experiment::lab).orElse(null));
        if (labId != null) {
            List<SeedGroupStore.Member> ofClass = groups.membersOfLab(labId);
            if (!ofClass.isEmpty()) return Optional.of(seedRuns(ofClass));
        }
        return membership.map(m -> seedRuns(groups.members(m.groupId())));
    }

    private static List<SeedRun> seedRuns(List<SeedGroupStore.Member> members) {
        Map<Long, String> lessonExperiments = new LinkedHashMap<>();
        Map<Long, Map<String, String>> variants = new LinkedHashMap<>();
        for (SeedGroupStore.Member m : members) {
            // a seed started twice (a student who clicked again) counts once: both starts share one training per arm
            if (m.variant() == null) lessonExperiments.putIfAbsent(m.seed(), m.experimentId());
            else variants.computeIfAbsent(m.seed(), k -> new LinkedHashMap<>()).putIfAbsent(m.variant(), m.experimentId());
        }
        List<SeedRun> out = new ArrayList<>();
        lessonExperiments.forEach((seed, id) -> out.add(new SeedRun(seed, id, variants.getOrDefault(seed, Map.of()))));
        return List.copyOf(out);
    }

    private static ObjectNode withLab(ObjectNode body, String lab) {
        if (lab != null) body.put("lab", lab);
        return body;
    }

    /** The lesson's signature on one seed; {@code finished} false while any of its runs is queued or training. */
    public record SeedVerdict(long seed, String experimentId, boolean finished, List<Lesson.Check> checks) {
        public boolean holds() {
            return finished && checks.stream().allMatch(Lesson.Check::holds);
        }
    }

    /** One check of the signature over a group: on how many of its finished seeds it held. */
    public record CheckCount(String what, String rule, int held, int of) {}

    /** The signature over a group of seeds: each seed's verdict, and each check counted over the finished seeds. */
    public record GroupVerdict(List<SeedVerdict> seeds, List<CheckCount> counts) {
        /** On how many seeds every check held. */
        public int holding() {
            return (int) seeds.stream().filter(SeedVerdict::holds).count();
        }

        public int finished() {
            return (int) seeds.stream().filter(SeedVerdict::finished).count();
        }
    }

    /** How many seeds of the group have finished: every run of the seed's experiment and of its variants has ended. */
    public int finishedSeeds(List<SeedRun> group) {
        return (int) group.stream().filter(g -> finished(runsOf(g))).count();
    }

    /** Every run a seed's verdict reads, by experiment: its lesson experiment's, then each variant's, in arm order. */
    private Map<String, List<Run>> runsOf(SeedRun g) {
        Map<String, List<Run>> out = new LinkedHashMap<>();
        out.put(g.experimentId(), runs.runsOfExperiment(g.experimentId()));
        g.variantExperiments().values().forEach(id -> out.put(id, runs.runsOfExperiment(id)));
        return out;
    }

    private static boolean finished(Map<String, List<Run>> seedRuns) {
        return seedRuns.values().stream().flatMap(List::stream).allMatch(r -> lab.gradient.runs.RunStatus.of(r.status()).isFinal());
    }

    /**
     * Whether the seed still has every run its signature reads: each arm of the lesson's experiment and of every variant
     * (a student may delete one; the signature reads arms by position).
     */
    private static boolean whole(Lesson lesson, SeedRun g, Map<String, List<Run>> seedRuns) {
        if (!g.variantExperiments().keySet().equals(lesson.variants().keySet())) return false;
        if (seedRuns.get(g.experimentId()).size() != lesson.experiment(g.seed()).get("arms").size()) return false;
        for (Map.Entry<String, String> v : g.variantExperiments().entrySet()) {
            if (seedRuns.get(v.getValue()).size() != lesson.variant(v.getKey(), g.seed()).get("arms").size()) return false;
        }
        return true;
    }

    /**
     * The lesson's signature on each seed of the group, and each check's count over the seeds that have finished. A seed
     * that lost a run (deleted) can no longer be judged and is left out.
     */
    public GroupVerdict verdict(Lesson lesson, List<SeedRun> group) {
        List<SeedVerdict> seeds = new ArrayList<>();
        for (SeedRun g : group) {
            Map<String, List<Run>> seedRuns = runsOf(g);
            boolean finished = finished(seedRuns);
            if (!finished) {
                seeds.add(new SeedVerdict(g.seed(), g.experimentId(), false, List.of()));
                continue;
            }
            String key = lesson.id() + ":" + String.join(",", seedRuns.values().stream().flatMap(List::stream).map(Run::id).toList());
            List<Lesson.Check> checks = finishedChecks.get(key);
            if (checks == null) {
                if (!whole(lesson, g, seedRuns)) continue;
                checks = checks(lesson, g.experimentId(), g.variantExperiments());
                finishedChecks.put(key, checks);
            }
            seeds.add(new SeedVerdict(g.seed(), g.experimentId(), true, checks));
        }
        List<SeedVerdict> done = seeds.stream().filter(SeedVerdict::finished).toList();
        List<CheckCount> counts = new ArrayList<>();
        if (!done.isEmpty()) {
            // every seed judges the same checks in the same order: the signature is one definition
            List<Lesson.Check> first = done.get(0).checks();
            for (int i = 0; i < first.size(); i++) {
                int index = i;
                int held = (int) done.stream().filter(v -> v.checks().size() > index && v.checks().get(index).holds()).count();
                counts.add(new CheckCount(first.get(i).what(), first.get(i).rule(), held, done.size()));
            }
        }
        return new GroupVerdict(List.copyOf(seeds), List.copyOf(counts));
    }

    /** The lesson's checks on a finished experiment and, by variant name, the experiments of its variants. */
    public List<Lesson.Check> checks(Lesson lesson, String experimentId, Map<String, String> variantExperiments) {
        Map<String, List<Outcome.Arm>> variants = new LinkedHashMap<>();
        variantExperiments.forEach((name, id) -> variants.put(name, arms(id)));
        return lesson.signature().checks(new Outcome(arms(experimentId), variants));
    }

    /** Each run of an experiment, in arm order, as a signature reads it. */
    public List<Outcome.Arm> arms(String experimentId) {
        return runs.runsOfExperiment(experimentId).stream().map(this::arm).toList();
    }

    private Outcome.Arm arm(Run run) {
        TrainingResult.Summary s = run.summary();
        MetricSeries metrics = runs.metrics(run.id());
        float[] loss = metrics.columns().getOrDefault("loss", new float[0]);
        List<Spectrum> spectra = runs.spectra(run.id());
        double sigma = spectra.isEmpty() || spectra.get(0).iteration() != 0 ? Double.NaN
                : spectra.get(0).matrices().values().iterator().next().largestSingularValue();
        return new Outcome.Arm(run.model(), run.status(), runs.diagnosis(run, runs.gradientFlow(run.id()), metrics).regime(),
                s == null ? Double.NaN : s.longRangeAccuracy(), s == null ? Double.NaN : s.initialFlowRatio(),
                s == null ? Double.NaN : s.gradientFlowRatio(), s == null ? Double.NaN : s.spectralRadius(), sigma,
                mean(loss, 0, Math.min(LOSS_WINDOW, loss.length)), mean(loss, Math.max(0, finite(loss) - LOSS_WINDOW), finite(loss)),
                run.iterations(), s == null ? Double.NaN : s.seconds());
    }

    /** How many leading losses are finite: a diverged run's last loss is NaN, its loss before that is what fell or rose. */
    private static int finite(float[] loss) {
        int n = 0;
        while (n < loss.length && Float.isFinite(loss[n])) n++;
        return n;
    }

    private static double mean(float[] values, int from, int to) {
        if (to <= from) return Double.NaN;
        double sum = 0;
        for (int i = from; i < to; i++) sum += values[i];
        return sum / (to - from);
    }
}
