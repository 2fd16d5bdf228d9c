package io.watershed.embedded.junit;

import io.watershed.embedded.Door;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an embedded Watershed node: one node for the whole class
 * (or one per test method with {@link #nodePerMethod()}), injected into any constructor, test or
 * lifecycle method parameter of type {@link io.watershed.embedded.EmbeddedWatershed}.
 *
 * <pre>{@code
 * @WatershedTest(doors = Door.KAFKA, settings = "kafka.num.partitions=3")
 * class OrdersTest {
 *   @Test
 *   void publishes(EmbeddedWatershed watershed) {
 *     ... watershed.kafkaBootstrapServers() ...
 *   }
 * }
 * }</pre>
 *
 * <p>{@link org.junit.jupiter.api.Nested} classes share their enclosing class's node.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WatershedExtension.class)
public @interface WatershedTest {
  /**
   * Server settings as {@code KEY=VALUE}, as {@code watershed server --set} takes them, on top of
   * {@link io.watershed.embedded.EmbeddedWatershed#TEST_DEFAULTS}.
   */
  String[] settings() default {};

  /** The front doors the node has; fewer start faster. */
  Door[] doors() default {Door.KAFKA, Door.KINESIS, Door.EVENT_STORE};

  /** A fresh node (and data directory) for every test method instead of one for the class. */
  boolean nodePerMethod() default false;
}
