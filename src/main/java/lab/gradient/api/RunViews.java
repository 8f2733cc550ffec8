package lab.gradient.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.model.Spectrum;
import lab.gradient.model.Validation;
import lab.gradient.runs.Downsampling;
import lab.gradient.runs.ExperimentRequests;
import lab.gradient.runs.RunDiagnosis;
import lab.gradient.runs.RunEvent;
import lab.gradient.runs.RunService;
import lab.gradient.training.CorpusSpec;
import lab.gradient.training.TrainingObserver;
import lab.gradient.training.TrainingResult;

/** The JSON shapes of the run routes, as plain maps: NaN and infinities become null, which JSON can carry. */
final class RunViews {
    private RunViews() {}

    static Map<String, Object> links(String runId) {
        return Map.of("api", "/api/runs/" + runId, "ui", "/runs/" + runId);
    }

    /** A run just queued, as a submission's answer lists it: its id, model and links. */
    static Map<String, Object> queued(Run run) {
        return Map.of("id", run.id(), "model", run.model(), "links", links(run.id()));
    }

    /**
     * A run with its diagnosis (regime null while it is too early to say): every client reads the same verdict; and
     * while it waits, its place in the queue.
     */
    static Map<String, Object> run(Run run, RunService runs, List<String> callers) {
        Map<String, Object> out = run(run, runs.permissions().labShownTo(run.lab(), callers));
        runs.queuePlace(run).ifPresent(place -> {
            Map<String, Object> queue = new LinkedHashMap<>();
            queue.put("position", place.position());
            queue.put("ownRunsAhead", place.ownRunsAhead());
            queue.put("estimatedStartSeconds", finite(place.startsInSeconds()));
            queue.put("earliestStartSeconds", finite(place.earliestSeconds()));
            queue.put("latestStartSeconds", finite(place.latestSeconds()));
            out.put("queue", queue);
        });
        RunDiagnosis.Diagnosis d = runs.diagnosis(run);
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("regime", d.regime() == null ? null : d.regime().id());
        verdict.put("text", d.text());
        verdict.put("lines", d.lines());
        out.put("diagnosis", verdict);
        return out;
    }

    /** {@code lab}: the run's lab as the caller may see it ({@link RunService#labShownTo}). */
    static Map<String, Object> run(Run run, String lab) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", run.id());
        out.put("experimentId", run.experimentId());
        out.put("model", run.model());
        out.put("status", run.status());
        // the request's own format: a run's config posted back as an arm reproduces the run
        out.put("config", ExperimentRequests.write(run.settings()));
        out.put("owner", run.owner());
        out.put("lab", lab);
        out.put("createdAt", text(run.createdAt()));
        out.put("startedAt", text(run.startedAt()));
        out.put("finishedAt", text(run.finishedAt()));
        out.put("progress", Map.of("iteration", run.iterations(), "total", run.totalIterations()));
        out.put("summary", summary(run));
        out.put("error", run.error());
        out.put("links", Map.of("ui", "/runs/" + run.id()));
        return out;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    static Map<String, Object> summary(Run run) {
        TrainingResult.Summary s = run.summary();
        if (s == null) return null;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trainLoss", finite(s.trainLoss()));
        out.put("valLoss", finite(s.valLoss()));
        out.put("valPerplexity", finite(s.valPerplexity()));
        out.put("top1", finite(s.top1()));
        out.put("top5", finite(s.top5()));
        out.put("longRangeAccuracy", finite(s.longRangeAccuracy()));
        out.put("maxGradNorm", finite(s.maxGradNorm()));
        out.put("explodingEvents", s.explodingEvents());
        out.put("divergedAt", s.divergedAt() < 0 ? null : s.divergedAt());
        out.put("seconds", finite(s.seconds()));
        out.put("iterations", s.iterations());
        out.put("flowDistance", s.flowDistance());
        out.put("gradientFlowRatio", finite(s.gradientFlowRatio()));
        out.put("budgetExhausted", s.budgetExhausted());
        out.put("initialFlowRatio", finite(s.initialFlowRatio()));
        out.put("spectralRadius", finite(s.spectralRadius()));
        out.put("gradientCheck", s.gradientCheck() == null ? null : finite(s.gradientCheck()));
        return out;
    }

    /** The corpus as a request gives it: text, or preset (with its distance on long-range). */
    static Map<String, Object> corpus(CorpusSpec corpus) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (corpus.text() != null) out.put("text", corpus.text());
        if (corpus.preset() != null) out.put("preset", corpus.preset());
        if (corpus.distance() != null) out.put("distance", corpus.distance());
        return out;
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Column arrays, grouped by kind of series, downsampled to at most about {@code maxPoints}. */
    static Map<String, Object> metrics(MetricSeries series, List<Validation> validations, int maxPoints) {
        List<float[]> guides = new ArrayList<>();
        if (series.columns().containsKey("loss")) guides.add(series.columns().get("loss"));
        if (series.columns().containsKey("gradNorm.total")) guides.add(series.columns().get("gradNorm.total"));
        int[] keep = Downsampling.keep(series.size(), maxPoints, guides);
        Map<String, Object> out = new LinkedHashMap<>();
        int[] iteration = new int[keep.length];
        for (int i = 0; i < keep.length; i++) iteration[i] = series.iteration()[keep[i]];
        out.put("iteration", iteration);
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (String group : List.of("gradNorm", "gradNormClipped", "updateRatio")) groups.put(group, new LinkedHashMap<>());
        series.columns().forEach((name, values) -> {
            List<Double> picked = new ArrayList<>(keep.length);
            for (int k : keep) picked.add(finite(values[k]));
            int dot = name.indexOf('.');
            if (dot < 0) out.put(name, picked);
            else groups.get(name.substring(0, dot)).put(name.substring(dot + 1), picked);
        });
        out.putAll(groups);
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("iteration", validations.stream().map(Validation::iteration).toList());
        validation.put("epoch", validations.stream().map(Validation::epoch).toList());
        validation.put("loss", validations.stream().map(v -> finite(v.loss())).toList());
        validation.put("perplexity", validations.stream().map(v -> finite(v.perplexity())).toList());
        validation.put("top1", validations.stream().map(v -> finite(v.top1())).toList());
        validation.put("top5", validations.stream().map(v -> finite(v.top5())).toList());
        validation.put("longRangeAccuracy", validations.stream().map(v -> finite(v.longRangeAccuracy())).toList());
        out.put("validation", validation);
        out.put("totalPoints", series.size());
        return out;
    }

    static Map<String, Object> gradientFlow(int window, List<Flow> flows) {
        Map<String, Object> out = new LinkedHashMap<>();
        int steps = flows.isEmpty() ? window : flows.get(0).norms().length;
        List<Integer> distance = new ArrayList<>();
        for (int k = 0; k < steps; k++) distance.add(k);
        out.put("window", window);
        out.put("distance", distance);
        out.put("iterations", flows.stream().map(Flow::iteration).toList());
        out.put("norm", flows.stream().map(f -> Arrays.stream(f.norms()).mapToObj(RunViews::finite).toList()).toList());
        return out;
    }

    static Map<String, Object> spectral(List<Spectrum> spectra) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iterations", spectra.stream().map(Spectrum::iteration).toList());
        Map<String, Map<String, List<Double>>> matrices = new LinkedHashMap<>();
        for (Spectrum s : spectra) {
            s.matrices().forEach((matrix, values) -> {
                Map<String, List<Double>> m = matrices.computeIfAbsent(matrix, k -> new LinkedHashMap<>());
                m.computeIfAbsent("spectralRadius", k -> new ArrayList<>()).add(finite(values.spectralRadius()));
                m.computeIfAbsent("largestSingularValue", k -> new ArrayList<>()).add(finite(values.largestSingularValue()));
            });
        }
        out.put("matrices", matrices);
        return out;
    }

    /** The data of a live {@code progress} event. */
    static Map<String, Object> progressEvent(RunEvent.Progress p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iteration", p.iteration());
        out.put("total", p.totalIterations());
        out.put("seconds", p.seconds());
        out.put("etaSeconds", finite(p.etaSeconds()));
        return out;
    }

    static Map<String, Object> metricsEvent(RunEvent.Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TrainingObserver.IterationMetrics it : m.iterations()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("iteration", it.iteration());
            row.put("loss", finite(it.loss()));
            row.put("gradNorm", finiteMap(it.gradNorm()));
            row.put("gradNormClipped", finiteMap(it.gradNormClipped()));
            row.put("updateRatio", finiteMap(it.updateRatio()));
            rows.add(row);
        }
        out.put("iterations", rows);
        out.put("validation", m.validations().stream().map(v -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("iteration", v.iteration());
            row.put("loss", finite(v.result().loss()));
            row.put("perplexity", finite(v.result().perplexity()));
            row.put("longRangeAccuracy", finite(v.result().longRangeAccuracy()));
            return row;
        }).toList());
        out.put("gradientFlow", m.flows().stream().map(f -> Map.of("iteration", f.iteration(),
                "norm", Arrays.stream(f.norm()).mapToObj(RunViews::finite).toList())).toList());
        return out;
    }

    private static Map<String, Double> finiteMap(Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, finite(v)));
        return out;
    }
}
