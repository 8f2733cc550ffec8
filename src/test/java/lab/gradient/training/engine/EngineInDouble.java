package lab.gradient.training.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The engine's own source compiled a second time with {@code double} wherever it says {@code float}: the same forward
 * and backward pass, line for line, in double precision, so that central finite differences can check its formulas to
 * 1e-6 rather than float32's 1%. Nothing is written by hand here: {@code RecurrentEngine}, {@code Kernels} and
 * {@code PlainKernels} are read from {@code src/main/java}, their names suffixed, {@code float} and float literals made
 * double, and compiled in memory by the JDK's compiler. The Vector API kernels are float-only and stay out: the twin
 * runs the plain loops.
 */
final class EngineInDouble {
    private static final Path SOURCES = Path.of("src", "main", "java", "lab", "gradient", "training", "engine");
    private static final String PACKAGE = "lab.gradient.training.engine.";
    private static final List<String> CLASSES = List.of("RecurrentEngine", "Kernels", "PlainKernels");
    private static Class<?> engine;

    private final Object instance;

    private EngineInDouble(Object instance) {
        this.instance = instance;
    }

    /** A double-precision engine of the given shape on the plain kernels, as {@code new RecurrentEngine(…, new PlainKernels())}. */
    static EngineInDouble create(RecurrentEngine.Cell cell, int vocabulary, int embedding, int hidden, int layers, int topLag,
            int maxBatch, int maxSteps) throws ReflectiveOperationException {
        Class<?> type = engineClass();
        Class<?> cellType = Class.forName(type.getName() + "$Cell", true, type.getClassLoader());
        Class<?> kernelsType = Class.forName(PACKAGE + "Kernels" + SUFFIX, true, type.getClassLoader());
        Constructor<?> plain = Class.forName(PACKAGE + "PlainKernels" + SUFFIX, true, type.getClassLoader()).getDeclaredConstructor();
        plain.setAccessible(true);
        Constructor<?> make = type.getDeclaredConstructor(cellType, int.class, int.class, int.class, int.class, int.class, int.class, int.class, kernelsType);
        make.setAccessible(true);
        Object cellValue = cellType.getField(cell.name()).get(null);
        return new EngineInDouble(make.newInstance(cellValue, vocabulary, embedding, hidden, layers, topLag, maxBatch, maxSteps,
                plain.newInstance()));
    }

    double[] parameters() throws ReflectiveOperationException {
        return (double[]) instance.getClass().getField("parameters").get(instance);
    }

    double[] gradient() throws ReflectiveOperationException {
        return (double[]) instance.getClass().getField("gradient").get(instance);
    }

    void startBatch(int windows, int steps) throws ReflectiveOperationException {
        call("startBatch", new Class<?>[] {int.class, int.class}, windows, steps);
    }

    void window(int b, int[] inputs, int[] next, int firstCounted, int lastCounted) throws ReflectiveOperationException {
        call("window", new Class<?>[] {int.class, int[].class, int[].class, int.class, int.class}, b, inputs, next, firstCounted, lastCounted);
    }

    double lossAndGradient() throws ReflectiveOperationException {
        return (double) call("lossAndGradient", new Class<?>[0]);
    }

    double forward() throws ReflectiveOperationException {
        return (double) call("forward", new Class<?>[0]);
    }

    private Object call(String name, Class<?>[] types, Object... args) throws ReflectiveOperationException {
        Method m = instance.getClass().getDeclaredMethod(name, types);
        m.setAccessible(true);
        return m.invoke(instance, args);
    }

    private static final String SUFFIX = "InDouble";

    /** The source of one class, made double: its names suffixed, {@code float} → {@code double}, {@code 0.01f} → {@code 0.01}. */
    static String inDouble(String source) {
        String out = source;
        for (String name : CLASSES) out = out.replaceAll("\\b" + name + "\\b", name + SUFFIX);
        // the float-only Vector API kernels are never chosen: the twin's choice is its plain loops
        out = out.replace("\"lab.gradient.training.engine.VectorKernels\"", "\"lab.gradient.training.engine.PlainKernels" + SUFFIX + "\"");
        out = out.replaceAll("\\bfloat\\b", "double").replaceAll("\\bFloat\\b", "Double");
        return out.replaceAll("\\b(\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)[fF]\\b", "$1");
    }

    static synchronized Class<?> engineClass() throws ReflectiveOperationException {
        if (engine != null) return engine;
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        for (String name : CLASSES) {
            String source;
            try {
                source = inDouble(Files.readString(SOURCES.resolve(name + ".java")));
            } catch (IOException e) {
                throw new IllegalStateException("the engine's source is read from " + SOURCES.toAbsolutePath(), e);
            }
            units.add(new SimpleJavaFileObject(URI.create("string:///" + name + SUFFIX + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StandardJavaFileManager standard = compiler.getStandardFileManager(null, null, null);
        var files = new ForwardingJavaFileManager<StandardJavaFileManager>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("bytes:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classes.computeIfAbsent(className, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        java.io.StringWriter errors = new java.io.StringWriter();
        if (!compiler.getTask(errors, files, null, List.of("-proc:none"), null, units).call()) {
            throw new IllegalStateException("the engine's source did not compile in double:\n" + errors);
        }
        ClassLoader loader = new ClassLoader(EngineInDouble.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) throw new ClassNotFoundException(name);
                byte[] b = bytes.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
        engine = loader.loadClass(PACKAGE + "RecurrentEngine" + SUFFIX);
        return engine;
    }
}
