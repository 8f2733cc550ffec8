package lab.gradient.sweeps;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import lab.gradient.labs.LabException;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.lessons.Lessons;
import lab.gradient.lessons.SweepGrid;
import lab.gradient.model.Json;
import lab.gradient.model.Lab;
import lab.gradient.model.Run;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.Names;
import lab.gradient.runs.NotFound;
import lab.gradient.runs.RunEnded;
import lab.gradient.runs.RunService;
import lab.gradient.runs.RunStatus;
import lab.gradient.store.Ids;
import lab.gradient.store.SweepStore;
import lab.gradient.training.Presets;
import lab.gradient.training.SettingsException;
import lab.gradient.training.TrainingResult;

/**
 * Distance sweeps for every front door: queue a grid of (model, distance, seed) runs, read where each model breaks,
 * cancel what has not finished, and in a lab give each student who starts the class sweep the next cell of its grid.
 * Every point is an ordinary run, submitted through the run service under its limits.
 */
public final class SweepService {
    private final SweepStore store;
    private final RunService runs;
    private final LabService labs;

    public SweepService(SweepStore store, RunService runs, LabService labs) {
        this.store = store;
        this.runs = runs;
        this.labs = labs;
    }

    /** One point as the page and the API show it; the numbers are NaN until its run has finished with them. */
    public record Point(String model, int distance, long seed, String runId, String status, double longRangeAccuracy,
            double flowRatio, double initialFlowRatio, String student) {}

    /** A model's line at one distance: median and lowest to highest over its finished seeds ({@code n} of them). */
    public record Summary(int distance, int n, double median, double low, double high) {}

    /** A model's two lines, accuracy and g(d)/g(0) against distance. */
    public record Curves(String model, List<Summary> accuracy, List<Summary> flowRatio, List<Summary> initialFlowRatio) {}

    /**
     * A sweep as read: {@code status} is {@code waiting} (a class sweep no student has started), {@code running} while any
     * point is queued or training, else {@code finished}; {@code cells} the grid's size, {@code started} the cells given.
     */
    public record View(String id, String name, String lab, SweepGrid grid, String status, int cells, int started,
            double guessing, List<Point> points, List<Curves> curves) {}

    public record Created(String id, List<Run> runs) {}

    /** Queues every cell of the grid at once, all accepted or none; {@code body} is {@code POST /api/sweeps}'s. */
    public Created create(JsonNode body, String owner) {
        SweepGrid grid = SweepGrid.parse(body, "", Set.of("name"));
        String name = body != null && body.hasNonNull("name") ? name(body.get("name")) : Lessons.distanceSweep().sweep().get("name").asText();
        String id = Ids.newId();
        List<SweepGrid.Cell> cells = grid.cells();
        List<RunService.ExperimentSpec> specs = new ArrayList<>();
        for (SweepGrid.Cell cell : cells) specs.add(spec(grid, cell, name, null).inSweep(id));
        List<RunService.Submitted> submitted = runs.submitAll(specs, owner,
                SweepStore.with(new SweepStore.Sweep(id, name, owner, null, Json.write(grid.write()), null)));
        return new Created(id, submitted.stream().flatMap(s -> s.runs().stream()).toList());
    }

    private static String name(JsonNode value) {
        if (!value.isTextual()) throw new SettingsException("name", "must be a string");
        String name = Names.clean("name", value.asText(), 200);
        return name.isBlank() ? Lessons.distanceSweep().sweep().get("name").asText() : name;
    }

    /** A cell's experiment, its refusals named as the sweep's fields ({@code models[1].hidden}, {@code distances}). */
    private static RunService.ExperimentSpec spec(SweepGrid grid, SweepGrid.Cell cell, String name, String labCode) {
        try {
            return ExperimentRequests.parse(grid.experiment(cell, name, labCode));
        } catch (SettingsException e) {
            String field = e.field() == null ? null
                    : e.field().startsWith("arms[0]") ? "models[" + grid.modelIds().indexOf(cell.model()) + "]" + e.field().substring(7)
                    : e.field().startsWith("corpus") ? "distances" : e.field();
            throw new SettingsException(field, e.reason() + (field != null && field.startsWith("distances") ? "" : " (at d = " + cell.distance() + ")"));
        }
    }

    /**
     * The sweep as {@code callers} may see it: a class sweep's lab and the students' names on its points only for the
     * lab's members. Its link is shared freely (every point's run page leads to it).
     */
    public View view(String sweepId, Collection<String> callers) {
        View view = view(store.sweep(sweepId).orElseThrow(() -> new NotFound("sweep")));
        if (view.lab() == null || runs.permissions().labShownTo(view.lab(), callers) != null) return view;
        List<Point> anonymous = view.points().stream().map(p -> new Point(p.model(), p.distance(), p.seed(), p.runId(), p.status(),
                p.longRangeAccuracy(), p.flowRatio(), p.initialFlowRatio(), null)).toList();
        return new View(view.id(), view.name(), null, view.grid(), view.status(), view.cells(), view.started(), view.guessing(),
                anonymous, view.curves());
    }

    /** The sweep an experiment is a point of, or empty. */
    public Optional<SweepStore.Sweep> ofExperiment(String experimentId) {
        return store.ofExperiment(experimentId);
    }

    /** The class sweep of a lab whose experiment is one, or empty. */
    public Optional<View> ofLab(Lab lab) {
        return labSweep(lab).map(this::view);
    }

    private Optional<SweepStore.Sweep> labSweep(Lab lab) {
        Optional<SweepStore.Sweep> stored = store.ofLab(lab.id());
        if (stored.isPresent()) return stored; // a dashboard asks every poll: once stored, the settings are not read again
        LabSettings settings = labs.settings(lab);
        if (settings.sweep() == null) return Optional.empty();
        // stored the first time anyone asks, so a lab's settings stay the one place the teacher's grid is written
        return Optional.of(store.labSweep(new SweepStore.Sweep(Ids.newId(), lab.name(), lab.teacher(), lab.id(),
                Json.write(settings.sweepGrid().write()), null)));
    }

    private View view(SweepStore.Sweep sweep) {
        SweepGrid grid = SweepGrid.parse(Json.read(sweep.gridJson(), JsonNode.class), "", Set.of());
        List<SweepGrid.Cell> cells = grid.cells();
        List<Point> points = new ArrayList<>();
        Set<Integer> started = new java.util.HashSet<>();
        for (SweepStore.Point p : store.points(sweep.id())) {
            SweepGrid.Cell cell = cells.get(p.cell());
            started.add(p.cell());
            Run run = p.run();
            TrainingResult.Summary s = run.summary();
            boolean finished = RunStatus.COMPLETED.id().equals(run.status()) || RunStatus.DIVERGED.id().equals(run.status());
            points.add(new Point(cell.model(), cell.distance(), cell.seed(), run.id(), run.status(),
                    finished && s != null ? s.longRangeAccuracy() : Double.NaN, finished && s != null ? s.gradientFlowRatio() : Double.NaN,
                    s != null ? s.initialFlowRatio() : Double.NaN, p.student()));
        }
        boolean running = points.stream().anyMatch(p -> !RunStatus.of(p.status()).isFinal());
        String status = points.isEmpty() && sweep.lab() != null ? "waiting" : running ? "running" : "finished";
        List<Curves> curves = grid.modelIds().stream().map(model -> new Curves(model,
                summaries(points, model, grid.distances(), Point::longRangeAccuracy), summaries(points, model, grid.distances(), Point::flowRatio),
                summaries(points, model, grid.distances(), Point::initialFlowRatio))).toList();
        return new View(sweep.id(), sweep.name(), sweep.lab(), grid, status, cells.size(), started.size(), Presets.longRangeGuessing(),
                points, curves);
    }

    private static List<Summary> summaries(List<Point> points, String model, List<Integer> distances, ToDoubleFunction<Point> value) {
        List<Summary> out = new ArrayList<>();
        for (int d : distances) {
            double[] v = points.stream().filter(p -> p.model().equals(model) && p.distance() == d).mapToDouble(value)
                    .filter(Double::isFinite).sorted().toArray();
            if (v.length == 0) continue;
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            out.add(new Summary(d, v.length, median, v[0], v[v.length - 1]));
        }
        return out;
    }

    /** Whether one of {@code callers} may cancel the sweep: its owner, or for a class sweep the lab's teacher. */
    public boolean mayCancel(String sweepId, Collection<String> callers) {
        SweepStore.Sweep sweep = store.sweep(sweepId).orElseThrow(() -> new NotFound("sweep"));
        return runs.permissions().mayManage(sweep.owner(), sweep.lab(), callers);
    }

    /**
     * Cancels every point that has not finished, if one of {@code callers} may: the sweep's owner, or for a class sweep
     * the lab's teacher (the run service's rule). Returns how many were cancelled.
     */
    public int cancel(String sweepId, Collection<String> callers) {
        SweepStore.Sweep sweep = store.sweep(sweepId).orElseThrow(() -> new NotFound("sweep"));
        runs.permissions().requireManager(sweep.owner(), sweep.lab(), callers);
        int cancelled = 0;
        for (SweepStore.Point p : store.points(sweepId)) {
            if (RunStatus.of(p.run().status()).isFinal()) continue;
            try {
                runs.cancel(p.run().id(), callers);
                cancelled++;
            } catch (RunEnded e) {
                // it finished meanwhile: a point with a result stays
            }
        }
        return cancelled;
    }

    /**
     * Starts the next cell of a lab's class sweep for {@code owner}, a student of the lab: the first cell started
     * fewest times, so a class fills the grid before any cell trains twice (a repeated cell joins its identical
     * training). The run obeys the lab's limits like any other.
     */
    public Point start(String sweepId, String owner) {
        SweepStore.Sweep sweep = store.sweep(sweepId).orElseThrow(() -> new NotFound("sweep"));
        if (sweep.lab() == null) {
            throw new SettingsException(null, "only a lab's class sweep is started cell by cell: this sweep queued all its points when it was created");
        }
        Lab lab = labs.lab(sweep.lab()).orElseThrow(() -> new NotFound("lab"));
        if (labs.role(lab, List.of(owner)) == LabService.Role.NONE) {
            throw new LabException(LabException.Reason.FORBIDDEN, "lab", "join the lab with its code before you start its sweep");
        }
        SweepGrid grid = SweepGrid.parse(Json.read(sweep.gridJson(), JsonNode.class), "", Set.of());
        List<SweepGrid.Cell> cells = grid.cells();
        int[] claimed = store.claimCell(sweepId, owner, cells.size());
        SweepGrid.Cell cell = cells.get(claimed[1]);
        try {
            RunService.Submitted submitted = runs.submit(spec(grid, cell, sweep.name(), lab.joinCode()).inSweep(sweepId), owner);
            store.attach(sweepId, claimed[0], submitted.experimentId());
            Run run = submitted.runs().get(0);
            return new Point(cell.model(), cell.distance(), cell.seed(), run.id(), run.status(), Double.NaN, Double.NaN, Double.NaN, null);
        } catch (RuntimeException e) {
            store.release(sweepId, claimed[0]);
            throw e;
        }
    }
}
