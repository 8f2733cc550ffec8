package lab.gradient.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.gradient.Server;
import lab.gradient.TestServers;
import lab.gradient.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hold the server's resources, on loopback with bounded counts and time: slow uploads from one address
 * must not starve another, and live-event streams are capped, hold no thread each, and let go when their client does.
 * Loopback has many addresses (127.0.0.0/8), so a socket bound to 127.0.0.2 is "another client".
 */
class SlowClientsTest {
    static Server server;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = TestServers.startInMemory();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A connection from {@code from} that sends {@code head} and keeps the socket open. */
    static Socket open(String from, String head) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port(), InetAddress.getByName(from), 0);
        socket.setSoTimeout(15_000);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return socket;
    }

    /** The status line the server answers on {@code socket}, or "closed" if it closed without one. */
    static String statusLine(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) line.append((char) c);
        return line.isEmpty() ? "closed" : line.toString().strip();
    }

    static long healthMillis() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Test
    void slowUploadsFromOneAddressNeitherStarveOthersNorLastLong() throws Exception {
        List<Socket> slow = new java.util.concurrent.CopyOnWriteArrayList<>();
        // each sends one more byte every two seconds, as the probe's did
        Thread drip = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(2_000);
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write(' ');
                            s.getOutputStream().flush();
                        } catch (java.io.IOException closed) {
                            // the server cut it off: what the test wants
                        }
                    }
                }
            } catch (InterruptedException stop) {
                // the test is over
            }
        });
        drip.setDaemon(true);
        drip.start();
        try {
            // 260 uploads each declaring 100 kB, more than the server's 250 request threads: what starved it before
            for (int i = 0; i < 260; i++) {
                Socket s = open("127.0.0.2", "POST /api/experiments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{");
                slow.add(s);
            }
            Thread.sleep(1_000);
            assertTrue(healthMillis() < 3_000, "another address is still answered at once");
            // each upload is cut off for its rate (1 kB/s) within seconds, with a status or a closed connection
            long started = System.nanoTime();
            String answer = statusLine(slow.get(0));
            long seconds = (System.nanoTime() - started) / 1_000_000_000;
            assertTrue(answer.equals("closed") || answer.matches("HTTP/1.1 4\\d\\d .*"), answer);
            assertTrue(seconds <= 15, "cut off after " + seconds + " s");
        } finally {
            drip.interrupt();
            for (Socket s : slow) s.close();
        }
        assertTrue(healthMillis() < 3_000);
    }

    /**
     * One address holds at most 256 connections open at once, and a connection that closes gives its place back: a school
     * behind one router that opens a thousand connections over a lesson, one after another, is never shut out (it was,
     * after 256, before the closes were counted).
     */
    @Test
    void anAddressHoldsAtMost256ConnectionsAtOnceAndClosedOnesGiveTheirPlaceBack() throws Exception {
        String health = "GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        // one after another, each closed before the next: far more than 256 in all, every one answered
        for (int i = 0; i < 300; i++) {
            try (Socket s = open("127.0.0.21", health)) {
                assertEquals("HTTP/1.1 200 OK", statusLine(s), "connection " + (i + 1) + " of 300, one after another");
            }
        }
        // at once: each of 256 connections answered and kept open (so the server surely holds it), then a 257th is closed
        // unanswered (a socket that only connected might still wait in the kernel's accept queue, unseen by the server)
        String from = "127.0.0.20", keepAlive = "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 256; i++) {
                Socket s = open(from, keepAlive);
                held.add(s);
                assertEquals("HTTP/1.1 200 OK", statusLine(s), "connection " + (i + 1) + " of 256 held open at once");
            }
            try (Socket extra = open(from, health)) {
                assertEquals("closed", statusLine(extra), "the 257th open at once");
            }
        } finally {
            for (Socket s : held) s.close();
        }
        // and once they close, their places are given back
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (Socket s = open(from, health)) {
                if (statusLine(s).equals("HTTP/1.1 200 OK")) break;
            }
            assertTrue(System.nanoTime() < deadline, "the 256 closed connections gave their places back");
            Thread.sleep(100);
        }
    }

    @Test
    void liveEventStreamsAreCappedHoldNoThreadAndLetGoOfAClientThatLeft() throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/experiments"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],"
                        + "\"training\":{\"maxIterations\":1000000,\"epochs\":100000,\"hidden\":8,\"embedding\":4,\"window\":10,\"batch\":4,"
                        + "\"probeEvery\":5}}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.read(created.body(), JsonNode.class);
        String run = body.at("/runs/0/id").asText();
        String token = body.get("ownerToken").asText();
        String request = "GET /api/runs/" + run + "/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n";
        // the streams an earlier test closed are let go at their next heartbeat: count from none (seen in CI: 119, not 101)
        long settled = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.runs().events().listenerCount() > 0 && System.nanoTime() < settled) Thread.sleep(200);
        assertEquals(0, server.runs().events().listenerCount(), "the earlier tests' streams were let go");
        int threadsBefore = Thread.activeCount();
        List<Socket> streams = new ArrayList<>();
        try {
            // 20 per address, 100 per run: five addresses fill the run's share, the sixth is refused
            for (int address = 2; address <= 6; address++) {
                for (int i = 0; i < 20; i++) {
                    Socket s = open("127.0.0." + address, request);
                    assertEquals("HTTP/1.1 200 OK", statusLine(s), "stream " + i + " from 127.0.0." + address);
                    streams.add(s);
                }
                Socket extra = open("127.0.0." + address, request);
                assertTrue(statusLine(extra).startsWith("HTTP/1.1 429"), "the 21st from one address");
                extra.close();
            }
            Socket overRun = open("127.0.0.7", request);
            assertTrue(statusLine(overRun).startsWith("HTTP/1.1 429"), "the 101st on one run");
            overRun.close();
            // strangers hold the run's cap, not its owner's: the owner still follows the run (issue 30, finding 5)
            Socket owner = open("127.0.0.7", request.replace("Accept:", "Authorization: Bearer " + token + "\r\nAccept:"));
            assertEquals("HTTP/1.1 200 OK", statusLine(owner), "the owner's stream while strangers fill the run's cap");
            streams.add(owner);
            // a stream's 200 and first event are written just before it subscribes: wait for the last subscriptions
            long subscribed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (server.runs().events().listenerCount() < 101 && System.nanoTime() < subscribed) Thread.sleep(20);
            assertEquals(101, server.runs().events().listenerCount(), "no browser is open here: every listener is a stream");
            int grown = Thread.activeCount() - threadsBefore;
            assertTrue(grown < 20, "100 open streams added " + grown + " threads");
        } finally {
            for (Socket s : streams) s.close();
        }
        // the heartbeat finds the closed clients: their subscriptions go within seconds
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.runs().events().listenerCount() > 0 && System.nanoTime() < deadline) Thread.sleep(200);
        assertEquals(0, server.runs().events().listenerCount(), "every stream let go of its run");
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/runs/" + run + "/cancel"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Thousands of streams opened and closed at once, from several addresses, on two runs: afterwards every count is back
     * at zero (issue 30, finding 5: counters changed outside their map's lock drifted, and a stream that failed to start
     * kept its place), seen as the caps themselves: one address again holds exactly 20 streams, one run exactly 100.
     */
    @Test
    void thousandsOfStreamsOpenedAndClosedInParallelGiveEveryPlaceBack() throws Exception {
        List<String> runIds = new ArrayList<>(), tokens = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/experiments"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"corpus\":{\"preset\":\"seed-examples\"},\"arms\":[{\"model\":\"rnn\"}],"
                            + "\"training\":{\"maxIterations\":1000000,\"epochs\":100000,\"hidden\":8,\"embedding\":4,\"window\":10,\"batch\":4,"
                            + "\"probeEvery\":5,\"seed\":" + (900 + i) + "}}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.read(created.body(), JsonNode.class);
            runIds.add(body.at("/runs/0/id").asText());
            tokens.add(body.get("ownerToken").asText());
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        String run = runIds.get(i % 2);
                        // some as the run's owner, some as strangers, from four addresses
                        String auth = i % 3 == 0 ? "Authorization: Bearer " + tokens.get(i % 2) + "\r\n" : "";
                        try (Socket s = open("127.0.0." + (30 + thread % 4), "GET /api/runs/" + run + "/events HTTP/1.1\r\nHost: localhost\r\n"
                                + auth + "Accept: text/event-stream\r\n\r\n")) {
                            String status = statusLine(s);
                            if (status.startsWith("HTTP/1.1 200") || status.startsWith("HTTP/1.1 429")) answered.incrementAndGet();
                            if (i % 2 == 0) s.shutdownOutput(); // half close half-way, half just drop the socket
                        }
                    }
                    return null;
                }));
            }
            for (var w : work) w.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(16 * 150, answered.get(), "every stream was answered");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.runs().events().listenerCount() > 0 && System.nanoTime() < deadline) Thread.sleep(200);
        assertEquals(0, server.runs().events().listenerCount(), "every stream let go of its run");
        // the caps are whole again: exactly 20 from one address, and the 21st refused
        String request = "GET /api/runs/" + runIds.get(0) + "/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n";
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = open("127.0.0.30", request);
                assertEquals("HTTP/1.1 200 OK", statusLine(s), "stream " + i + " after the storm");
                held.add(s);
            }
            Socket extra = open("127.0.0.30", request);
            assertTrue(statusLine(extra).startsWith("HTTP/1.1 429"), "the 21st from one address");
            extra.close();
        } finally {
            for (Socket s : held) s.close();
        }
        for (int i = 0; i < 2; i++) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/runs/" + runIds.get(i) + "/cancel"))
                    .header("Authorization", "Bearer " + tokens.get(i)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
