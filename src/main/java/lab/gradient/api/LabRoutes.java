package lab.gradient.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.gradient.labs.LabService;
import lab.gradient.labs.LabSettings;
import lab.gradient.model.Lab;
import lab.gradient.model.LabRun;
import lab.gradient.model.Participant;
import lab.gradient.runs.IssuedTokens;
import lab.gradient.runs.OwnerTokens;
import lab.gradient.runs.RateLimits;
import lab.gradient.runs.RunStatus;
import lab.gradient.sweeps.SweepService;

/** The lab routes under {@code /api/labs}: each is one call of {@link LabService}, whose rules decide who may do what. */
final class LabRoutes {
    private final LabService labs;
    private final SweepService sweeps;
    private final IssuedTokens tokens;
    private final RateLimits limits;

    LabRoutes(LabService labs, SweepService sweeps, IssuedTokens tokens, RateLimits limits) {
        this.labs = labs;
        this.sweeps = sweeps;
        this.tokens = tokens;
        this.limits = limits;
    }

    private Lab lab(Context ctx) {
        return labs.lab(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("lab"));
    }

    static Map<String, Object> links(Lab lab) {
        return Map.of("ui", "/labs/" + lab.id(), "join", "/join/" + lab.joinCode());
    }

    void create(Context ctx) {
        JsonNode body = Requests.objectBody(ctx);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("name", "settings").contains(f)) throw ApiError.badRequest(f, "unknown field; expected name and settings");
        }
        LabService.Created created = labs.create(Requests.optionalText(body, "name"), body.get("settings"), ctx.ip());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.lab().id());
        out.put("joinCode", created.lab().joinCode());
        // the teacher's own link is the one URL that carries a token: it is how the teacher opens the dashboard elsewhere
        out.put("teacherToken", created.teacherToken());
        ctx.header("Cache-Control", "no-store");
        out.put("links", Map.of("ui", "/labs/" + created.lab().id() + "?key=" + created.teacherToken(),
                "join", "/join/" + created.lab().joinCode()));
        ctx.status(201).json(out);
    }

    void get(Context ctx) {
        Lab lab = lab(ctx);
        List<String> callers = Owners.callers(ctx);
        LabService.Role role = labs.requireMember(lab, callers);
        List<LabRun> runs = labs.runs(lab, callers, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", lab.id());
        out.put("name", lab.name());
        out.put("joinCode", lab.joinCode());
        out.put("open", lab.open());
        out.put("role", role.name().toLowerCase(java.util.Locale.ROOT));
        out.put("settings", settings(labs.settings(lab)));
        out.put("students", labs.participants(lab, callers).stream().map(p -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", p.name());
            s.put("joinedAt", p.joinedAt() == null ? null : p.joinedAt().toString());
            s.put("runs", runs.stream().filter(r -> p.name().equals(r.student())).count());
            s.put("active", runs.stream().filter(r -> p.name().equals(r.student()) && !RunStatus.of(r.run().status()).isFinal()).count());
            return s;
        }).toList());
        out.put("leaderboard", LabService.leaderboard(runs).stream().map(s -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("student", s.student());
            row.put("runId", s.runId());
            row.put("model", s.model());
            row.put("valLoss", RunViews.finite(s.valLoss()));
            row.put("longRangeAccuracy", RunViews.finite(s.longRangeAccuracy()));
            return row;
        }).toList());
        // a class sweep's chart, points attributed to students: GET /api/sweeps/{id} has all of it
        sweeps.ofLab(lab).ifPresent(sweep -> out.put("sweep", Map.of("id", sweep.id(), "status", sweep.status(),
                "cells", sweep.cells(), "started", sweep.started(), "links", SweepRoutes.links(sweep.id()))));
        out.put("links", links(lab));
        ctx.json(out);
    }

    void runs(Context ctx) {
        Lab lab = lab(ctx);
        List<LabRun> runs = labs.runs(lab, Owners.callers(ctx), ctx.queryParam("student"));
        ctx.json(Map.of("runs", runs.stream().map(r -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("student", r.student());
            view.put("experimentName", r.experimentName());
            view.putAll(RunViews.run(r.run(), lab.id())); // the lab's members only
            return view;
        }).toList()));
    }

    void setOpen(Context ctx, boolean open) {
        Lab lab = lab(ctx);
        labs.setOpen(lab, open, Owners.callers(ctx));
        ctx.json(Map.of("id", lab.id(), "open", open));
    }

    void exportCsv(Context ctx) {
        Lab lab = lab(ctx);
        String csv = labs.exportCsv(lab, Owners.callers(ctx));
        ctx.header("Content-Disposition", "attachment; filename=\"lab-" + lab.joinCode() + ".csv\"");
        ctx.contentType("text/csv; charset=utf-8").result(csv);
    }

    /** The lab's settings in the format {@code POST /api/labs} takes them: what is not fixed is left out. */
    private static Map<String, Object> settings(LabSettings s) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (s.corpus() != null) out.put("corpus", RunViews.corpus(s.corpus()));
        if (s.maxRunsPerStudent() != null) out.put("maxRunsPerStudent", s.maxRunsPerStudent());
        if (s.maxEpochs() != null) out.put("maxEpochs", s.maxEpochs());
        if (s.allowedModels() != null) out.put("allowedModels", s.allowedModels());
        out.put("maxTrainingPerStudent", s.maxTrainingPerStudent());
        out.put("open", s.open());
        if (s.lesson() != null) out.put("lesson", s.lesson());
        if (s.sweep() != null) out.put("sweep", s.sweep());
        return out;
    }

    /** Joins with the caller's identity if it sends one (so its earlier runs stay its own), else with a new one. */
    void join(Context ctx) {
        String name = Requests.optionalText(Requests.objectBody(ctx), "name");
        // guessing codes costs: an address that missed too often waits, and every join counts per address and per code
        Lab lab = limits.join(ctx.ip(), () -> labs.requireByJoinCode(ctx.pathParam("code")), Lab::joinCode);
        String token = Owners.token(ctx).orElseGet(() -> tokens.issue(ctx.ip()));
        String owner = OwnerTokens.ownerOf(token);
        boolean already = labs.role(lab, List.of(owner)) == LabService.Role.STUDENT;
        Participant p = labs.join(ctx.pathParam("code"), name, owner);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("participantToken", token);
        ctx.header("Cache-Control", "no-store");
        out.put("labId", p.labId());
        out.put("name", p.name());
        out.put("links", Map.of("ui", "/labs/" + p.labId()));
        ctx.status(already ? 200 : 201).json(out);
    }
}
