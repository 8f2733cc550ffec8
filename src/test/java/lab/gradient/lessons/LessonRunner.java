package lab.gradient.lessons;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lab.gradient.model.Run;
import lab.gradient.runs.QueuePolicy;
import lab.gradient.runs.RunEvents;
import lab.gradient.runs.RunService;
import lab.gradient.store.Database;
import lab.gradient.store.RunStore;
import lab.gradient.store.SeedGroupStore;
import lab.gradient.training.NativeBackend;

/** Runs a lesson through the service layer, as a student's click does, on a fresh database with two workers. */
final class LessonRunner implements AutoCloseable {
    /** A lesson's finished runs on one seed: the signature's checks, each arm's numbers, and wall seconds for all. */
    record Result(Lesson lesson, long seed, String experimentId, List<Lesson.Check> checks, List<Outcome.Arm> arms, double wallSeconds) {
        boolean holds() {
            return checks.stream().allMatch(Lesson.Check::holds);
        }
    }

    private final Database database;
    final RunService runs;
    final LessonService lessons;

    LessonRunner() {
        NativeBackend.warmUp();
        database = Database.open("jdbc:h2:mem:lessons-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        runs = new RunService(new RunStore(database), new RunEvents(), 2, QueuePolicy.defaults(2));
        runs.start();
        lessons = new LessonService(runs, new SeedGroupStore(database), LessonLabs.NONE);
    }

    /** The lesson's arms first (timed alone, as a student's run would be), then its variants. */
    Result run(Lesson lesson, long seed) throws InterruptedException {
        long started = System.nanoTime();
        String id = lessons.start(lesson, seed, "suite", null).experimentId();
        runs.awaitEnded(id, Duration.ofMinutes(30));
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, String> variants = new LinkedHashMap<>();
        for (String name : lesson.variants().keySet()) variants.put(name, lessons.startVariant(lesson, name, seed, "suite").experimentId());
        for (String variant : variants.values()) runs.awaitEnded(variant, Duration.ofMinutes(30));
        return new Result(lesson, seed, id, lessons.checks(lesson, id, variants), lessons.arms(id), wall);
    }

    /**
     * The lesson on its own group of seeds (the lesson's seed and the next four), as one click on its button starts it:
     * each seed's verdict as the page and the API give it, and the wall seconds of the whole group (variants included).
     */
    List<Result> runGroup(Lesson lesson) throws InterruptedException {
        long started = System.nanoTime();
        List<LessonService.SeedRun> group = lessons.startGroup(lesson, lesson.defaultSeed(), LessonService.GROUP_SEEDS, "suite");
        for (LessonService.SeedRun seed : group) {
            runs.awaitEnded(seed.experimentId(), Duration.ofMinutes(30));
            for (String variant : seed.variantExperiments().values()) runs.awaitEnded(variant, Duration.ofMinutes(30));
        }
        double wall = (System.nanoTime() - started) / 1e9;
        LessonService.GroupVerdict verdict = lessons.verdict(lesson, group);
        List<Result> out = new java.util.ArrayList<>();
        for (LessonService.SeedVerdict v : verdict.seeds()) {
            out.add(new Result(lesson, v.seed(), v.experimentId(), v.checks(), lessons.arms(v.experimentId()), wall));
        }
        return out;
    }

    /**
     * The sentence x-ray of each arm on its corpus's own sentence (up to the answer), the model's prediction followed:
     * the saliency at the key word (d steps before the last word) over the saliency at the last word.
     */
    double[] keyWordReach(String experimentId) {
        List<Run> arms = runs.runsOfExperiment(experimentId);
        int d = runs.experiment(experimentId).orElseThrow().corpus().effectiveDistance();
        double[] reach = new double[arms.size()];
        for (int i = 0; i < arms.size(); i++) {
            lab.gradient.training.Inspection x = runs.inspect(arms.get(i).id(), "", null).orElseThrow();
            int last = x.words().size() - 1;
            reach[i] = x.saliency()[last - d] / x.saliency()[last];
        }
        return reach;
    }

    @Override
    public void close() {
        runs.close();
        database.close();
    }
}
