package lab.gradient.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections from one client address: one more is closed as soon as it opens. Jetty limits
 * connections in all ({@code ConnectionLimit}) but not per address; this is the part that is ours.
 */
final class ConnectionsPerAddress implements Connection.Listener {
    private final int max;
    private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    ConnectionsPerAddress(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) return;
        if (open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > max) connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = address(connection);
        if (address != null) open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private static InetAddress address(Connection connection) {
        return connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
    }
}
