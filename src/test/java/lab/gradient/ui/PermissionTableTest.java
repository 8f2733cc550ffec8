package lab.gradient.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.server.VaadinServlet;
import com.vaadin.flow.server.VaadinServletRequest;
import jakarta.servlet.http.Cookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import lab.gradient.model.LabRun;
import lab.gradient.model.Run;
import lab.gradient.runs.RunService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what to a run, asked through both front doors of one server: the API over real HTTP, and the pages in
 * Karibu as a fresh browser per caller holding that caller's cookie. Every caller gets the same answer for every
 * action from both: the rule lives once, in the run service.
 */
class PermissionTableTest {
    enum Caller { OWNER, TEACHER, CLASSMATE, STRANGER, ANONYMOUS }

    enum Action { READ, CANCEL, DELETE_RUN, DELETE_EXPERIMENT }

    /** The table: anyone with the link reads; the run's owner and its lab's teacher cancel and delete. */
    static boolean allowed(Caller caller, Action action) {
        return action == Action.READ || caller == Caller.OWNER || caller == Caller.TEACHER;
    }

    static final String ENDLESS = "{\"maxIterations\":1000000,\"epochs\":100000,\"hidden\":8,\"embedding\":4,\"window\":10,\"batch\":4}";
    static final HttpClient http = HttpClient.newHttpClient();
    static Server server;
    static RunService runs;
    static String labId, joinCode, teacher, asha, ravi, stranger;

    record Trial(String experimentId, String runId) {}

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.startInMemory(1);
        runs = server.runs();
        JsonNode lab = send("POST", "/api/labs", "{\"name\":\"Permissions\"}", null).body;
        labId = lab.get("id").asText();
        joinCode = lab.get("joinCode").asText();
        teacher = lab.get("teacherToken").asText();
        asha = send("POST", "/api/labs/" + joinCode + "/join", "{\"name\":\"Asha\"}", null).body.get("participantToken").asText();
        ravi = send("POST", "/api/labs/" + joinCode + "/join", "{\"name\":\"Ravi\"}", null).body.get("participantToken").asText();
        stranger = send("POST", "/api/labs", "{\"name\":\"Another class\"}", null).body.get("teacherToken").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeBrowser() {
        MockVaadin.tearDown();
    }

    record Answer(int status, JsonNode body) {}

    static Answer send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body()));
    }

    /** Asha starts a one-run experiment in the lab that trains until someone stops it. */
    static Trial ashaStartsARun() throws Exception {
        Answer created = send("POST", "/api/experiments", "{\"name\":\"trial\",\"lab\":\"" + joinCode
                + "\",\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],\"training\":"
                + ENDLESS.replace("{", "{\"seed\":" + lab.gradient.runs.RunServiceTest.freshSeed() + ",") + "}", asha);
        assertEquals(201, created.status, String.valueOf(created.body));
        return new Trial(created.body.get("id").asText(), created.body.at("/runs/0/id").asText());
    }

    static String token(Caller caller) {
        return switch (caller) {
            case OWNER -> asha;
            case TEACHER -> teacher;
            case CLASSMATE -> ravi;
            case STRANGER -> stranger;
            case ANONYMOUS -> null;
        };
    }

    @Test
    void everyCallerGetsTheSameAnswerForEveryActionFromBothDoors() throws Exception {
        List<String> table = new ArrayList<>();
        for (Action action : Action.values()) {
            for (Caller caller : Caller.values()) {
                boolean api = throughTheApi(caller, action);
                boolean pages = throughThePages(caller, action);
                table.add(action + " by " + caller + ": api " + api + ", pages " + pages);
                assertEquals(allowed(caller, action), api, action + " by " + caller + " through the API");
                assertEquals(allowed(caller, action), pages, action + " by " + caller + " through the pages");
            }
        }
        System.out.println(String.join("\n", table));
    }

    /** Whether the API let the caller do it; a refusal is 401 without a token, else 403, in the service's words. */
    static boolean throughTheApi(Caller caller, Action action) throws Exception {
        Trial trial = ashaStartsARun();
        Answer answer = switch (action) {
            case READ -> send("GET", "/api/runs/" + trial.runId, null, token(caller));
            case CANCEL -> send("POST", "/api/runs/" + trial.runId + "/cancel", null, token(caller));
            case DELETE_RUN -> send("DELETE", "/api/runs/" + trial.runId, null, token(caller));
            case DELETE_EXPERIMENT -> send("DELETE", "/api/experiments/" + trial.experimentId, null, token(caller));
        };
        boolean done = answer.status / 100 == 2;
        if (!done) {
            assertEquals(caller == Caller.ANONYMOUS ? 401 : 403, answer.status, action + " by " + caller);
            assertTrue(answer.body.get("error").asText().startsWith("only its owner or the lab's teacher may do this"), answer.body.toString());
        }
        if (done && action == Action.CANCEL) {
            // the run's page says who stopped it
            awaitStatus(trial.runId, "cancelled");
            assertEquals(caller == Caller.TEACHER ? "teacher" : "owner", runs.run(trial.runId).orElseThrow().cancelledBy());
        }
        assertEffect(action, trial, done);
        return done;
    }

    /** Whether the pages offered the caller the control, and using it did it. */
    static boolean throughThePages(Caller caller, Action action) throws Exception {
        Trial trial = ashaStartsARun();
        newBrowserOf(caller);
        boolean done = switch (action) {
            case READ -> {
                UI.getCurrent().navigate("experiments/" + trial.experimentId);
                yield _get(ExperimentView.class).experimentRuns.stream().anyMatch(r -> r.id().equals(trial.runId));
            }
            case CANCEL -> {
                UI.getCurrent().navigate("experiments/" + trial.experimentId);
                List<Button> cancel = _find(Button.class, spec -> spec.withText("Cancel"));
                cancel.forEach(b -> _click(b));
                yield !cancel.isEmpty();
            }
            case DELETE_RUN -> {
                UI.getCurrent().navigate("labs/" + labId);
                @SuppressWarnings("unchecked")
                List<Grid<LabRun>> grids = (List<Grid<LabRun>>) (List<?>) _find(Grid.class, spec -> spec.withId("lab-runs"));
                Button delete = null;
                if (!grids.isEmpty()) {
                    Grid<LabRun> grid = grids.get(0);
                    for (int row = 0; row < GridKt._size(grid); row++) {
                        if (!GridKt._get(grid, row).run().id().equals(trial.runId)) continue;
                        HorizontalLayout actions = (HorizontalLayout) GridKt._getCellComponent(grid, row, "actions");
                        delete = actions.getChildren().filter(c -> c instanceof Button b && b.getText().equals("Delete"))
                                .map(Button.class::cast).findFirst().orElse(null);
                    }
                }
                if (delete != null) {
                    _click(delete);
                    ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
                }
                yield delete != null;
            }
            case DELETE_EXPERIMENT -> {
                UI.getCurrent().navigate("experiments/" + trial.experimentId);
                List<Button> delete = _find(Button.class, spec -> spec.withId("delete-experiment"));
                if (!delete.isEmpty()) {
                    _click(delete.get(0));
                    ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
                }
                yield !delete.isEmpty();
            }
        };
        assertEffect(action, trial, done);
        return done;
    }

    /** What was allowed happened; what was refused changed nothing (and the owner then cleans up). */
    static void assertEffect(Action action, Trial trial, boolean done) throws Exception {
        Run run = runs.run(trial.runId).orElse(null);
        switch (action) {
            case READ -> assertTrue(run != null);
            case CANCEL -> {
                if (done) awaitStatus(trial.runId, "cancelled");
                else assertTrue(List.of("queued", "running").contains(run.status()), run.status());
            }
            case DELETE_RUN -> assertEquals(done, run == null, "deleted: " + done);
            case DELETE_EXPERIMENT -> assertEquals(done, runs.experiment(trial.experimentId).isEmpty(), "deleted: " + done);
        }
        if (runs.experiment(trial.experimentId).isPresent()) {
            assertEquals(204, send("DELETE", "/api/experiments/" + trial.experimentId, null, asha).status);
        }
    }

    static void awaitStatus(String runId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!runs.run(runId).orElseThrow().status().equals(status)) {
            if (System.nanoTime() > deadline) throw new AssertionError(runId + " never became " + status);
            Thread.sleep(50);
        }
    }

    /** A fresh browser that holds what this caller's browser holds: its own token cookie, or the teacher link's. */
    static void newBrowserOf(Caller caller) {
        MockVaadin.tearDown();
        MockVaadin.setup(new Routes().autoDiscoverViews("lab.gradient.ui"));
        VaadinServlet.getCurrent().getServletContext().setAttribute(UiServices.ATTRIBUTE, server.services());
        FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
        switch (caller) {
            case TEACHER -> request.addCookie(new Cookie(OwnerSession.TEACHER_COOKIE, teacher));
            case ANONYMOUS -> { }
            default -> request.addCookie(new Cookie(OwnerSession.COOKIE, token(caller)));
        }
    }
}
