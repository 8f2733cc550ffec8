package lab.gradient.labs;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import lab.gradient.lessons.Lesson;
import lab.gradient.lessons.LessonLabs;
import lab.gradient.lessons.Lessons;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.model.Participant;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.LabRules;
import lab.gradient.runs.Names;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.runs.SubmissionRefused;
import lab.gradient.store.Ids;
import lab.gradient.store.LabStore;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingResult;

/**
 * Classroom labs: a teacher creates one, students join it with its code and a display name, and every experiment
 * submitted "in" the lab obeys its limits. The permission rules of labs live here, once, for the API and the UI:
 * members see all the lab's runs; a student acts on their own runs; the teacher acts on all.
 *
 * <p>Callers identify themselves by owner ids (hashes of their tokens), several at once in a browser that holds both
 * its own identity and a teacher link's.
 */
public final class LabService implements LabRules, LessonLabs {
    static final int MAX_NAME = 40;

    public enum Role { TEACHER, STUDENT, NONE }

    public record Created(Lab lab, String teacherToken) {}

    /** One row of the leaderboard: a student's best finished run. */
    public record Standing(String student, String runId, String model, double valLoss, double longRangeAccuracy) {}

    private final LabStore labs;
    private final IssuedTokens tokens;

    public LabService(LabStore labs, IssuedTokens tokens) {
        this.labs = labs;
        this.tokens = tokens;
    }

    /** A new lab, and its teacher token issued to the caller at {@code address}. */
    public Created create(String name, LabSettings settings, String address) {
        String trimmed = Names.clean("name", name, 200);
        if (trimmed.isEmpty()) throw new SettingsException("name", "give the lab a name");
        String teacherToken = tokens.issue(address);
        while (true) {
            Lab lab = new Lab(Ids.newId(), JoinCodes.newCode(), trimmed, OwnerTokens.ownerOf(teacherToken),
                    Json.write(settings), settings.open(), null);
            if (labs.insert(lab, settings.maxTrainingPerStudent())) return new Created(labs.byId(lab.id()).orElseThrow(), teacherToken);
        }
    }

    public Created create(String name, JsonNode settings, String address) {
        return create(name, LabSettings.parse(settings), address);
    }

    public Optional<Lab> lab(String labId) {
        return labs.byId(labId);
    }

    public Optional<Lab> byJoinCode(String joinCode) {
        return labs.byJoinCode(JoinCodes.normalise(joinCode));
    }

    public LabSettings settings(Lab lab) {
        LabSettings stored = Json.read(lab.settingsJson(), LabSettings.class);
        return new LabSettings(stored.corpus(), stored.maxRunsPerStudent(), stored.maxEpochs(), stored.allowedModels(),
                stored.maxTrainingPerStudent(), lab.open(), stored.lesson(), stored.seeds(), stored.sweep());
    }

    /** The lab with this join code, or a refusal naming the field. */
    public Lab requireByJoinCode(String joinCode) {
        return byJoinCode(joinCode).orElseThrow(() -> new LabException(LabException.Reason.NOT_FOUND, "joinCode",
                "no lab has the join code '" + joinCode + "'"));
    }

    /** The corpus a lab's teacher fixed, by join code: what {@code ExperimentRequests.parse} asks for. */
    @Override
    public Optional<CorpusSpec> lockedCorpus(String joinCode) {
        return byJoinCode(joinCode).map(this::settings).map(LabSettings::corpus);
    }

    /**
     * Joins {@code owner} to the lab under {@code name}. Joining again with the same identity returns the existing
     * participant, whatever name was typed the second time.
     */
    public Participant join(String joinCode, String name, String owner) {
        Lab lab = requireByJoinCode(joinCode);
        Optional<Participant> existing = labs.participant(lab.id(), owner);
        if (existing.isPresent()) return existing.get();
        if (!lab.open()) throw new LabException(LabException.Reason.FORBIDDEN, null, "this lab is closed: ask your teacher to open it");
        String display = displayName(name);
        if (!labs.join(lab.id(), owner, display, nameKey(display))) {
            throw new LabException(LabException.Reason.NAME_TAKEN, "name", "someone in this lab is already called '" + display
                    + "': add an initial or a number");
        }
        return labs.participant(lab.id(), owner).orElseThrow();
    }

    /** The name the class sees: the one rule for typed names ({@link Names}), 1 to 40 characters. */
    static String displayName(String typed) {
        String name = Names.clean("name", typed, MAX_NAME);
        if (name.isEmpty()) throw new SettingsException("name", "type the name the class will see");
        return name;
    }

    /** Names that look the same to a class are the same name: compatibility-folded and case-folded. */
    static String nameKey(String display) {
        return Normalizer.normalize(display, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    public Role role(Lab lab, Collection<String> owners) {
        for (String owner : owners) if (OwnerTokens.sameOwner(owner, lab.teacher())) return Role.TEACHER;
        for (String owner : owners) if (labs.participant(lab.id(), owner).isPresent()) return Role.STUDENT;
        return Role.NONE;
    }

    /**
     * Which of the caller's identities acts in the lab with join code {@code joinCode}: its teacher's, else a student's
     * (empty if none is a member, or there is no such lab). A browser holds its own identity and any teacher links it
     * opened: the teacher's start on their dashboard is the teacher's, not their browser's own (which never joined).
     */
    public Optional<String> actingOwner(String joinCode, Collection<String> owners) {
        Optional<Lab> lab = byJoinCode(joinCode);
        if (lab.isEmpty()) return Optional.empty();
        for (String owner : owners) if (OwnerTokens.sameOwner(owner, lab.get().teacher())) return Optional.of(lab.get().teacher());
        return owners.stream().filter(owner -> labs.participant(lab.get().id(), owner).isPresent()).findFirst();
    }

    /** The lab and the caller's role in it; a non-member is refused. */
    public Role requireMember(Lab lab, Collection<String> owners) {
        Role role = role(lab, owners);
        if (role == Role.NONE) {
            throw new LabException(LabException.Reason.NOT_A_MEMBER, null, "only the lab's teacher and students see its runs: join with the code first");
        }
        return role;
    }

    public void requireTeacher(Lab lab, Collection<String> owners) {
        if (role(lab, owners) != Role.TEACHER) {
            throw new LabException(owners.isEmpty() ? LabException.Reason.NOT_A_MEMBER : LabException.Reason.FORBIDDEN, null,
                    "only the lab's teacher may do this");
        }
    }

    /** Opens or closes the lab: a closed lab takes no new students and no new experiments; its runs go on. */
    public void setOpen(Lab lab, boolean open, Collection<String> owners) {
        requireTeacher(lab, owners);
        labs.setOpen(lab.id(), open);
    }

    /** {@link LabRules}: the teacher of a lab may cancel and delete its students' runs (the rule is the run service's). */
    @Override
    public boolean teaches(String labId, Collection<String> callers) {
        return labs.byId(labId).map(lab -> role(lab, callers) == Role.TEACHER).orElse(false);
    }

    @Override
    public boolean belongs(String labId, Collection<String> callers) {
        return labs.byId(labId).map(lab -> role(lab, callers) != Role.NONE).orElse(false);
    }

    public List<Participant> participants(Lab lab, Collection<String> owners) {
        requireMember(lab, owners);
        return labs.participants(lab.id());
    }

    /** The lab's runs for a member, newest first; {@code student} narrows to one display name (as shown). */
    public List<LabRun> runs(Lab lab, Collection<String> owners, String student) {
        requireMember(lab, owners);
        if (student == null) return labs.runs(lab.id(), null);
        Optional<Participant> p = labs.participants(lab.id()).stream()
                .filter(x -> nameKey(x.name()).equals(nameKey(student.strip()))).findFirst();
        if (p.isEmpty()) throw new SettingsException("student", "no student in this lab is called '" + student + "'");
        return labs.runs(lab.id(), p.get().owner());
    }

    /**
     * Each student's best finished run: highest long-range accuracy when the lab's task has one, then lowest
     * validation loss.
     */
    public static List<Standing> leaderboard(List<LabRun> runs) {
        Map<String, Standing> best = new LinkedHashMap<>();
        Comparator<Standing> order = Comparator.comparingDouble((Standing s) -> Double.isNaN(s.longRangeAccuracy()) ? 1 : -s.longRangeAccuracy())
                .thenComparingDouble(s -> Double.isNaN(s.valLoss()) ? Double.MAX_VALUE : s.valLoss());
        for (LabRun r : runs) {
            TrainingResult.Summary s = r.run().summary();
            if (r.student() == null || !RunStatus.COMPLETED.id().equals(r.run().status()) || s == null) continue;
            Standing candidate = new Standing(r.student(), r.run().id(), r.run().model(), s.valLoss(), s.longRangeAccuracy());
            best.merge(r.student(), candidate, (a, b) -> order.compare(a, b) <= 0 ? a : b);
        }
        List<Standing> out = new ArrayList<>(best.values());
        out.sort(order);
        return out;
    }

    /** The lab's results as CSV, one row per run: for the teacher only. */
    public String exportCsv(Lab lab, Collection<String> owners) {
        requireTeacher(lab, owners);
        StringBuilder csv = new StringBuilder("student,experiment,run,model,status,iterations,train_loss,val_loss,val_perplexity,"
                + "top1,long_range_accuracy,gradient_flow_ratio,max_grad_norm,exploding_events,seconds,created_at\n");
        for (LabRun r : labs.runs(lab.id(), null)) {
            TrainingResult.Summary s = r.run().summary();
            List<String> cells = List.of(text(r.student()), text(r.experimentName()), text(r.run().id()), text(r.run().model()),
                    text(r.run().status()), String.valueOf(r.run().iterations()),
                    num(s, TrainingResult.Summary::trainLoss), num(s, TrainingResult.Summary::valLoss),
                    num(s, TrainingResult.Summary::valPerplexity), num(s, TrainingResult.Summary::top1),
                    num(s, TrainingResult.Summary::longRangeAccuracy), num(s, TrainingResult.Summary::gradientFlowRatio),
                    num(s, TrainingResult.Summary::maxGradNorm), s == null ? "" : String.valueOf(s.explodingEvents()),
                    num(s, TrainingResult.Summary::seconds),
                    r.run().createdAt() == null ? "" : r.run().createdAt().toString());
            csv.append(String.join(",", cells)).append('\n');
        }
        return csv.toString();
    }

    private static String num(TrainingResult.Summary summary, ToDoubleFunction<TrainingResult.Summary> field) {
        double v = summary == null ? Double.NaN : field.applyAsDouble(summary);
        return Double.isFinite(v) ? String.valueOf(v) : "";
    }

    /**
     * A text cell quoted for CSV. A cell that a spreadsheet would read as a formula (=, +, -, @ first) is prefixed with
     * an apostrophe: a student's name must not run as a formula on the teacher's machine.
     */
    static String text(String value) {
        if (value == null) return "";
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }

    /**
     * A lesson lab takes only its lesson, exactly as defined: the same sentences and every arm's settings, the seed
     * alone may differ. Compared in the settings' request format, so "the same" means what a student could post.
     */
    private static void requireTheLesson(RunService.ExperimentSpec spec, Lesson lesson) {
        if (!lesson.id().equals(spec.lesson())) {
            throw new SettingsException("lesson", "this lab runs the lesson '" + lesson.id() + "': start it from the lab's page, or post "
                    + "its experiment from GET /api/lessons with \"lab\" set");
        }
        long seed = spec.arms().get(0).settings().seed;
        RunService.ExperimentSpec defined = ExperimentRequests.parse(lesson.experiment(seed), code -> Optional.empty(), id -> true);
        boolean same = defined.corpus().equals(spec.corpus()) && defined.arms().size() == spec.arms().size();
        for (int i = 0; same && i < spec.arms().size(); i++) {
            RunService.Arm want = defined.arms().get(i), got = spec.arms().get(i);
            same = want.model() == got.model()
                    && ExperimentRequests.write(want.settings()).equals(ExperimentRequests.write(got.settings()));
        }
        if (!same) {
            throw new SettingsException("arms", "this lab runs the lesson '" + lesson.id() + "' as defined: only its seed may change");
        }
    }

    /** {@link LabRules}: in a lab with a seed per student, each arm's seed plus the student's number in the class. */
    @Override
    public RunService.ExperimentSpec seeded(RunService.ExperimentSpec spec, String owner) {
        if (spec.lab() == null) return spec;
        Optional<Lab> lab = byJoinCode(spec.lab());
        long number = lab.map(l -> seedOffset(l, settings(l), owner)).orElse(0L);
        if (number == 0) return spec;
        List<RunService.Arm> arms = spec.arms().stream().map(arm -> {
            var settings = arm.settings().copy();
            settings.seed += number;
            return new RunService.Arm(arm.model(), settings);
        }).toList();
        return new RunService.ExperimentSpec(spec.name(), spec.lab(), spec.corpus(), arms, spec.lesson(), spec.sweep());
    }

    /** What the lab adds to {@code owner}'s seeds: their number in the class with a seed per student; the teacher's are kept. */
    private long seedOffset(Lab lab, LabSettings settings, String owner) {
        if (!settings.seedPerStudent()) return 0;
        return 1 + labs.participants(lab.id()).stream().map(Participant::owner).toList().indexOf(owner);
    }

    /**
     * {@link LessonLabs}: a lesson lab as its lesson started in it sees it (empty for a lab without a lesson). A class on
     * one seed has one group of seeds of its own, owned by the lab rather than by a member, so that no student's limits
     * pay for it and none can delete it.
     */
    @Override
    public Optional<ClassOf> classOf(String joinCode, String owner) {
        Optional<Lab> lab = byJoinCode(joinCode);
        if (lab.isEmpty()) return Optional.empty();
        LabSettings settings = settings(lab.get());
        if (settings.lesson() == null) return Optional.empty();
        return Optional.of(new ClassOf(lab.get().id(), settings.seedPerStudent(), seedOffset(lab.get(), settings, owner), "lab-" + lab.get().id()));
    }

    /** {@link LabRules}: an experiment "in" a lab belongs to a member, and stays within the lab's limits. */
    @Override
    public String admit(RunService.ExperimentSpec spec, String owner) {
        if (spec.lab() == null) return null;
        Lab lab = byJoinCode(spec.lab()).orElseThrow(() -> new SettingsException("lab", "no lab has the join code '" + spec.lab() + "'"));
        if (role(lab, List.of(owner)) == Role.NONE) {
            throw new LabException(LabException.Reason.FORBIDDEN, "lab", "join the lab with its code before you train in it");
        }
        if (!lab.open()) throw new LabException(LabException.Reason.FORBIDDEN, "lab", "this lab is closed: it takes no new experiments");
        LabSettings settings = settings(lab);
        if (settings.lesson() != null) requireTheLesson(spec, Lessons.byId(settings.lesson()).orElseThrow());
        if (settings.sweep() != null && spec.sweep() == null) {
            throw new SettingsException("lab", "this lab's experiment is a distance sweep: start your point of it from the lab's page "
                    + "(or POST /api/sweeps/{id}/start with the sweep's id from GET /api/labs/{id})");
        }
        for (int i = 0; i < spec.arms().size(); i++) {
            RunService.Arm arm = spec.arms().get(i);
            if (!settings.allows(arm.model())) {
                throw new SettingsException("arms[" + i + "].model", "this lab allows " + String.join(", ", settings.allowedModels()));
            }
            if (settings.maxEpochs() != null && arm.settings().epochs > settings.maxEpochs()) {
                throw new SettingsException("arms[" + i + "].epochs", "at most " + settings.maxEpochs() + " epochs in this lab, was "
                        + arm.settings().epochs);
            }
        }
        if (settings.maxRunsPerStudent() != null) {
            int used = labs.countRuns(lab.id(), owner);
            if (used + spec.arms().size() > settings.maxRunsPerStudent()) {
                int arms = spec.arms().size();
                throw new SubmissionRefused("this experiment asks for " + arms + (arms == 1 ? " run" : " runs") + " and you have started "
                        + used + " of the " + settings.maxRunsPerStudent() + " runs this lab allows each student"
                        + (used < settings.maxRunsPerStudent() ? ": pick fewer models" : ""));
            }
        }
        return lab.id();
    }
}
