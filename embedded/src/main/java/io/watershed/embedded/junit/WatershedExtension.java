package io.watershed.embedded.junit;

import io.watershed.embedded.Door;
import io.watershed.embedded.EmbeddedWatershed;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A JUnit 5 extension that starts an {@link EmbeddedWatershed} before a test class (or before each
 * test method) and closes it afterwards, deleting its data; it injects the node into parameters of
 * type {@link EmbeddedWatershed}. Use it through {@link WatershedTest}, or register a configured
 * one:
 *
 * <pre>{@code
 * @RegisterExtension
 * static WatershedExtension watershed =
 *     WatershedExtension.builder().setting("kafka.num.partitions", "3").build();
 *
 * @Test
 * void works() {
 *   String bootstrap = watershed.watershed().kafkaBootstrapServers();
 * }
 * }</pre>
 *
 * <p>The node is kept in the test's {@link ExtensionContext.Store}: closed in {@code afterAll} (or
 * {@code afterEach}), and, with JUnit 5.13 or newer, by JUnit itself when the context ends in any
 * other way. Use either {@link WatershedTest} or a registered instance on a class, not both.
 */
public final class WatershedExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(WatershedExtension.class);
  private static final String NODE = "node";

  /** Null when the configuration comes from the test class's {@link WatershedTest}. */
  private final Settings configured;

  private volatile EmbeddedWatershed current;

  /** The extension as {@link WatershedTest} registers it: configured by that annotation. */
  public WatershedExtension() {
    this.configured = null;
  }

  private WatershedExtension(Settings configured) {
    this.configured = configured;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The node of the test running now, for a registered extension's tests: {@code
   * watershed.watershed().kafkaBootstrapServers()}.
   *
   * @throws IllegalStateException outside a test class's run
   */
  public EmbeddedWatershed watershed() {
    EmbeddedWatershed node = current;
    if (node == null) {
      throw new IllegalStateException("no Watershed node: the test class is not running");
    }
    return node;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!settings(context).nodePerMethod()) {
      current = nodeOf(context, true);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeOwnNode(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    current = nodeOf(context, true);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (settings(context).nodePerMethod()) {
      closeOwnNode(context);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedWatershed.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (settings(context).nodePerMethod() && context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "with a node per test method, EmbeddedWatershed can be injected into test, @BeforeEach"
              + " and @AfterEach methods only, not into "
              + parameter.getDeclaringExecutable());
    }
    return nodeOf(context, true);
  }

  /**
   * The node this context sees: its own, or an enclosing context's (a test method sees its class's,
   * a {@link org.junit.jupiter.api.Nested} class its enclosing class's). When there is none and
   * {@code start} is set, starts one in the context the configuration gives it to: the test
   * method's with a node per method, else the class's (so that a constructor of a class with
   * {@code @TestInstance(PER_CLASS)}, called before {@code beforeAll}, gets the class's node).
   */
  private EmbeddedWatershed nodeOf(ExtensionContext context, boolean start) {
    EmbeddedWatershed node = context.getStore(NAMESPACE).get(NODE, EmbeddedWatershed.class);
    if (node != null || !start) {
      return node;
    }
    Settings settings = settings(context);
    ExtensionContext owner = settings.nodePerMethod() ? context : classContext(context);
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(NODE, key -> settings.start(), EmbeddedWatershed.class);
  }

  /** Closes the node this very context started, not one it sees from an enclosing context. */
  private void closeOwnNode(ExtensionContext context) {
    EmbeddedWatershed node = context.getStore(NAMESPACE).remove(NODE, EmbeddedWatershed.class);
    if (node != null) {
      if (current == node) {
        current = context.getParent().map(parent -> nodeOf(parent, false)).orElse(null);
      }
      node.close();
    }
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  private Settings settings(ExtensionContext context) {
    if (configured != null) {
      return configured;
    }
    Optional<WatershedTest> annotation = annotation(context);
    if (annotation.isEmpty()) {
      return Settings.DEFAULT;
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String entry : annotation.get().settings()) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new ExtensionConfigurationException(
            "@WatershedTest(settings): expected KEY=VALUE, not '" + entry + "'");
      }
      settings.put(entry.substring(0, eq).strip(), entry.substring(eq + 1));
    }
    Door[] doors = annotation.get().doors();
    if (doors.length == 0) {
      throw new ExtensionConfigurationException("@WatershedTest(doors): at least one front door");
    }
    return new Settings(settings, List.of(doors), annotation.get().nodePerMethod());
  }

  /** The annotation of the test class or, for a nested class, of the nearest enclosing one. */
  private static Optional<WatershedTest> annotation(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      Optional<WatershedTest> found =
          c.getTestClass()
              .flatMap(type -> AnnotationSupport.findAnnotation(type, WatershedTest.class));
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private record Settings(Map<String, String> settings, List<Door> doors, boolean nodePerMethod) {
    static final Settings DEFAULT = new Settings(Map.of(), List.of(Door.values()), false);

    Settings {
      settings = Map.copyOf(settings);
      doors = List.copyOf(doors);
    }

    EmbeddedWatershed start() {
      try {
        return EmbeddedWatershed.builder().settings(settings).doors(doors).start();
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException(
            "invalid Watershed settings: " + e.getMessage(), e);
      }
    }
  }

  /** Configures a {@link WatershedExtension} for {@code @RegisterExtension}. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private List<Door> doors = List.of(Door.values());
    private boolean nodePerMethod;

    private Builder() {}

    /** A server setting, as {@link EmbeddedWatershed.Builder#setting(String, String)} takes it. */
    public Builder setting(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Only these front doors, as {@link EmbeddedWatershed.Builder#doors(Door, Door...)}. */
    public Builder doors(Door first, Door... more) {
      doors = List.copyOf(EnumSet.of(first, more));
      return this;
    }

    /** A fresh node (and data directory) for every test method instead of one for the class. */
    public Builder nodePerMethod() {
      this.nodePerMethod = true;
      return this;
    }

    public WatershedExtension build() {
      // Keys the node chooses itself (ports, data dir) fail here, where the field is declared,
      // rather than when the first test class starts; bad values fail at the start.
      EmbeddedWatershed.builder().settings(settings);
      return new WatershedExtension(new Settings(settings, doors, nodePerMethod));
    }
  }
}
