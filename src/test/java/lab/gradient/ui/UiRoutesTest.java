package lab.gradient.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.mvysny.kaributesting.v10.Routes;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server registers its views by hand (no classpath scanning): every {@code @Route} class must be on the list. */
class UiRoutesTest {
    @Test
    void everyViewWithARouteIsRegisteredWithTheServer() {
        Set<Class<?>> discovered = new HashSet<>(new Routes().autoDiscoverViews("lab.gradient.ui").getRoutes());
        assertEquals(discovered, new HashSet<>(UiRoutes.ROUTES));
    }
}
