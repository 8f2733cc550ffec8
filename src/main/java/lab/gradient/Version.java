package lab.gradient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code gradient-lab.properties} at build time. */
public final class Version implements IVersionProvider {
    public static final String VALUE = load();

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/gradient-lab.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Gradient Lab " + VALUE};
    }
}
