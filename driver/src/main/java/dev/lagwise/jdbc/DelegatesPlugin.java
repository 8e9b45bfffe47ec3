package dev.lagwise.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.is;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.build.Plugin;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.modifier.TypeManifestation;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.pool.TypePool;

/**
 * The build step behind {@link DelegateFactory} (see its comment), run by Byte Buddy's Maven plugin
 * at {@code process-classes}. For each static method of the factory it writes {@code final class
 * Generated<Base> extends <Base>} in the base's package, with the base's constructors, and
 * implements what the base leaves abstract: the parameter setters and their replay for a {@link
 * RecordingPreparedStatement} ({@link Recording}), straight delegates to the field {@code delegate}
 * for every other interface method ({@link Delegation}). Then it rewrites the factory method to
 * construct that class. A generated class that would still have an abstract method fails the build,
 * naming the method.
 *
 * <p>Public only because Byte Buddy's build engine instantiates plugins through a public
 * constructor; not API, and not used at run time.
 */
public final class DelegatesPlugin implements Plugin {

  static final String FACTORY = "dev.lagwise.jdbc.DelegateFactory";

  public DelegatesPlugin() {}

  @Override
  public boolean matches(TypeDescription target) {
    return target.getName().equals(FACTORY);
  }

  @Override
  public DynamicType.Builder<?> apply(
      DynamicType.Builder<?> builder, TypeDescription factory, ClassFileLocator locator) {
    ClassFileVersion version = factory.getClassFileVersion();
    ByteBuddy byteBuddy =
        new ByteBuddy(version == null ? ClassFileVersion.JAVA_V17 : version)
            .with(TypeValidation.ENABLED);
    TypePool pool = TypePool.Default.of(locator);
    Recording recording = new Recording(pool.describe("java.sql.PreparedStatement").resolve());
    TypeDescription suppressForbidden = pool.describe(SuppressForbidden.class.getName()).resolve();
    Map<TypeDescription, DynamicType.Unloaded<?>> generated = new HashMap<>();
    for (MethodDescription.InDefinedShape m : factory.getDeclaredMethods().filter(isStatic())) {
      TypeDescription base = m.getReturnType().asErasure();
      if (!base.isAbstract() || base.isInterface()) {
        continue; // a helper, such as notGenerated()
      }
      DynamicType.Unloaded<?> type =
          generated.computeIfAbsent(
              base, b -> generate(byteBuddy, b, recording, locator, suppressForbidden));
      MethodList<MethodDescription.InDefinedShape> constructors =
          type.getTypeDescription()
              .getDeclaredMethods()
              .filter(
                  isConstructor().and(takesArguments(m.getParameters().asTypeList().asErasures())));
      if (constructors.size() != 1) {
        throw new IllegalStateException(
            m + ": " + base + " has no constructor of the same parameters");
      }
      builder =
          builder
              .method(is(m))
              .intercept(MethodCall.construct(constructors.getOnly()).withAllArguments());
    }
    return builder.require(generated.values().toArray(new DynamicType[0]));
  }

  private static DynamicType.Unloaded<?> generate(
      ByteBuddy byteBuddy,
      TypeDescription base,
      Recording recording,
      ClassFileLocator locator,
      TypeDescription suppressForbidden) {
    DynamicType.Builder<?> b =
        byteBuddy
            .subclass(base, ConstructorStrategy.Default.IMITATE_SUPER_CLASS)
            .name(base.getPackage().getName() + ".Generated" + base.getSimpleName())
            .modifiers(Visibility.PACKAGE_PRIVATE, TypeManifestation.FINAL)
            // A delegate passes deprecated JDBC methods through; forbiddenapis would flag them.
            .annotateType(AnnotationDescription.Builder.ofType(suppressForbidden).build());
    b = Delegation.implementAbstract(b, base, recording);
    DynamicType.Unloaded<?> type = b.make();
    // Read back from the class file written: what a JVM would find abstract.
    TypePool written =
        TypePool.Default.of(
            new ClassFileLocator.Compound(ClassFileLocator.Simple.of(type.getAllTypes()), locator));
    Delegation.checkNothingAbstract(
        written.describe(type.getTypeDescription().getName()).resolve());
    return type;
  }

  @Override
  public void close() {}
}
