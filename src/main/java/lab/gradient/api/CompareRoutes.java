package lab.gradient.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.gradient.model.Flow;
import lab.gradient.model.MetricSeries;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;

/** {@code GET /api/compare}: several saved runs' series aligned for overlay, with their summaries as a table. */
final class CompareRoutes {
    private final RunService runs;

    CompareRoutes(RunService runs) {
        this.runs = runs;
    }

    void compare(Context ctx) {
        String param = ctx.queryParam("runs");
        if (param == null || param.isBlank()) throw ApiError.badRequest("runs", "give run ids separated by commas");
        List<String> ids = RunService.comparisonIds(param);
        int maxPoints = Requests.intParam(ctx, "maxPoints", 1000, 10, 100_000);
        List<Run> found = new ArrayList<>();
        for (String id : ids) found.add(runs.requireRun(id));
        List<MetricSeries> series = runs.metrics(ids);
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> table = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Run run = found.get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", run.id());
            entry.put("model", run.model());
            entry.put("status", run.status());
            entry.put("experimentId", run.experimentId());
            entry.put("series", RunViews.metrics(series.get(i), runs.validations(run.id()), maxPoints));
            List<Flow> flows = runs.gradientFlow(run.id());
            entry.put("finalGradientFlow", flows.isEmpty() ? null : Map.of("iteration", flows.get(flows.size() - 1).iteration(),
                    "norm", Arrays.stream(flows.get(flows.size() - 1).norms()).mapToObj(RunViews::finite).toList()));
            entry.put("spectral", RunViews.spectral(runs.spectra(run.id())));
            out.add(entry);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", run.id());
            row.put("model", run.model());
            row.put("status", run.status());
            row.put("bestValLoss", RunViews.finite(runs.bestValidationLoss(run.id())));
            Map<String, Object> summary = RunViews.summary(run);
            if (summary != null) row.putAll(summary);
            table.add(row);
        }
        ctx.json(Map.of("runs", out, "summary", table));
    }
}
