package lab.gradient.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections from one client address: one more is closed as soon as it opens. Jetty limits
 * connections in all ({@code ConnectionLimit}) but not per address; this is the part that is ours.
 *
 * <p>Each connection's address is remembered when it opens: once closed, its socket no longer says whose it was, and
 * counting it down by that (as this class once did) never freed its place, so after 256 connections in all an address
 * (a whole school behind one router) was shut out for good.
 */
final class ConnectionsPerAddress implements Connection.Listener {
    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetAddress> addresses = new ConcurrentHashMap<>();

    ConnectionsPerAddress(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) return;
        addresses.put(connection, address);
        if (open.merge(address, 1, Integer::sum) > max) connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = addresses.remove(connection);
        // counted up and down under the map's lock for that address, so an opening and a closing at once cannot lose one
        if (address != null) open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private static InetAddress address(Connection connection) {
        return connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
    }
}
