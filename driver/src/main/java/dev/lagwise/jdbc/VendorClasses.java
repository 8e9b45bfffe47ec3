package dev.lagwise.jdbc;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.TypeCasting;
import net.bytebuddy.implementation.bytecode.constant.ClassConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodReturn;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Generates, once per class, "{@code base} also implementing the vendor interface {@code iface}":
 * the vendor drivers are optional and their interfaces grow between versions, so the class is made
 * from the interface found at run time rather than compiled against one version.
 *
 * <p>Each abstract method of {@code iface} that {@code base} does not already have becomes a fixed
 * call: to the handler's static method of the same name taking {@code base} (or a supertype) first
 * and then the interface method's parameters, when the handler has one; otherwise to the same
 * method of the vendor object {@code base} hands out for vendor access ({@code
 * vendorTarget(Class)}, or {@code vendorTargetUnchecked(Class)} for a method that declares no
 * {@link SQLException}). The interface's default methods stay: they are written in terms of the
 * others. Nothing is looked up per call; the reflection here runs once per generated class.
 *
 * <p>A {@code base} that is one of the hand-written abstract JDBC wrappers ({@code
 * PrimaryPreparedStatement}, {@code RoutedPreparedStatement}, ...) is completed first by {@link
 * Delegation#implementAbstract}, the rules its build-time {@code Generated} class is made by
 * (straight delegates to the field {@code delegate}, or the recording setters), so the vendor class
 * behaves as that class does plus the interface. On a base with a {@code delegate} field, the
 * interface's default methods are straight delegates too (the vendor answers, as for JDBC's).
 *
 * <p>The classes are defined in this package and class loader (through this class's own lookup), so
 * they reach the package-private constructors, handlers and {@code vendorTarget} methods; the
 * vendor interface must therefore be the one this class loader sees. Each class can be defined once
 * per class loader: callers keep what they get ({@link VendorTypes} holds them in lazily
 * initialised holders).
 */
final class VendorClasses {

  /** Validation is for hand-written definitions; these are made from loaded, valid types. */
  private static final ByteBuddy BYTE_BUDDY = new ByteBuddy().with(TypeValidation.DISABLED);

  /** The recording setters of {@code PreparedStatement} as the running JDK declares it. */
  private static final Recording RECORDING =
      new Recording(TypeDescription.ForLoadedType.of(PreparedStatement.class));

  private VendorClasses() {}

  /**
   * A factory {@code factory} (an interface with one method whose parameters are those of one of
   * {@code base}'s constructors) making instances of {@code base} that also implement {@code
   * iface}, with the explicit semantics of {@code handler} (null: every method is vendor access).
   */
  static <F> F extend(Class<?> base, Class<?> iface, Class<?> handler, Class<F> factory) {
    try {
      Class<?> type = subclass(base, iface, handler);
      return factoryFor(type, factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot make " + base.getSimpleName() + " implement " + iface.getName(), e);
    }
  }

  static Class<?> subclass(Class<?> base, Class<?> iface, Class<?> handler)
      throws ReflectiveOperationException {
    DynamicType.Builder<?> b =
        BYTE_BUDDY
            .subclass(base, ConstructorStrategy.Default.IMITATE_SUPER_CLASS)
            .name(base.getName() + "$" + iface.getSimpleName())
            .modifiers(Modifier.FINAL)
            .implement(iface);
    boolean wrapper = Modifier.isAbstract(base.getModifiers());
    if (wrapper) {
      // A hand-written abstract wrapper: the JDBC methods are written by the rules its build-time
      // Generated class is written by; the vendor interface's rules below come later and win.
      b = Delegation.implementAbstract(b, TypeDescription.ForLoadedType.of(base), RECORDING);
    }
    for (Method m : methodsToImplement(base, iface)) {
      Method h = handler == null ? null : handlerFor(handler, base, m);
      Implementation impl =
          h != null
              ? MethodCall.invoke(h).withThis().withAllArguments()
              : new VendorCall(vendorTargetOf(base, m), m);
      b =
          b.method(
                  ElementMatchers.named(m.getName())
                      .and(ElementMatchers.takesArguments(m.getParameterTypes())))
              .intercept(impl);
    }
    Class<?> type =
        b.make()
            .load(
                base.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.lookup()))
            .getLoaded();
    if (wrapper) {
      Delegation.checkNothingAbstract(TypeDescription.ForLoadedType.of(type));
    }
    return type;
  }

  /** The abstract methods of {@code iface} that {@code base} does not implement. */
  static List<Method> methodsToImplement(Class<?> base, Class<?> iface) {
    List<Method> out = new ArrayList<>();
    for (Method m : iface.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || implemented(base, m)) {
        continue;
      }
      if (hiddenIn(base, m)) {
        // Overriding it would reroute the base's own internal calls to the vendor.
        throw new IllegalStateException(
            base.getName()
                + " has a non-public "
                + m.getName()
                + " that "
                + iface.getName()
                + " declares public");
      }
      boolean seen = false;
      for (Method o : out) {
        seen |=
            o.getName().equals(m.getName())
                && Arrays.equals(o.getParameterTypes(), m.getParameterTypes());
      }
      if (!seen) {
        out.add(m);
      }
    }
    return out;
  }

  private static boolean implemented(Class<?> base, Method m) {
    try {
      return !Modifier.isAbstract(
          base.getMethod(m.getName(), m.getParameterTypes()).getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static boolean hiddenIn(Class<?> base, Method m) {
    for (Class<?> c = base; c != null; c = c.getSuperclass()) {
      try {
        c.getDeclaredMethod(m.getName(), m.getParameterTypes());
        return true;
      } catch (NoSuchMethodException e) {
        // Not declared here: look further up.
      }
    }
    return false;
  }

  /** The handler's static method for {@code m}, or null. */
  static Method handlerFor(Class<?> handler, Class<?> base, Method m) {
    Class<?>[] want = m.getParameterTypes();
    for (Method h : handler.getDeclaredMethods()) {
      Class<?>[] p = h.getParameterTypes();
      if (Modifier.isStatic(h.getModifiers())
          && h.getName().equals(m.getName())
          && p.length == want.length + 1
          && p[0].isAssignableFrom(base)
          && Arrays.equals(Arrays.copyOfRange(p, 1, p.length), want)
          && m.getReturnType().isAssignableFrom(h.getReturnType())) {
        return h;
      }
    }
    return null;
  }

  private static Method vendorTargetOf(Class<?> base, Method m) throws NoSuchMethodException {
    boolean checked = false;
    for (Class<?> e : m.getExceptionTypes()) {
      checked |= e.isAssignableFrom(SQLException.class);
    }
    String name = checked ? "vendorTarget" : "vendorTargetUnchecked";
    for (Class<?> c = base; c != null; c = c.getSuperclass()) {
      for (Method t : c.getDeclaredMethods()) {
        if (t.getName().equals(name)
            && t.getParameterCount() == 1
            && t.getParameterTypes()[0] == Class.class) {
          return t;
        }
      }
    }
    throw new NoSuchMethodException(base.getName() + "." + name + "(Class)");
  }

  @SuppressWarnings("unchecked")
  private static <F> F factoryFor(Class<?> type, Class<F> factory)
      throws ReflectiveOperationException {
    Method make = null;
    for (Method m : factory.getMethods()) {
      if (Modifier.isAbstract(m.getModifiers())) {
        make = m;
      }
    }
    Constructor<?> ctor = type.getDeclaredConstructor(make.getParameterTypes());
    Class<?> made =
        BYTE_BUDDY
            .subclass(factory)
            .name(type.getName() + "$Factory")
            .modifiers(Modifier.FINAL)
            .method(ElementMatchers.named(make.getName()))
            .intercept(MethodCall.construct(ctor).withAllArguments())
            .make()
            .load(
                type.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.lookup()))
            .getLoaded();
    return (F) made.getDeclaredConstructor().newInstance();
  }

  /** {@code return ((I) this.vendorTarget(I.class)).m(args...);} */
  private static final class VendorCall implements Implementation {

    private final MethodDescription target;
    private final MethodDescription method;

    VendorCall(Method target, Method method) {
      this.target = new MethodDescription.ForLoadedMethod(target);
      this.method = new MethodDescription.ForLoadedMethod(method);
    }

    @Override
    public InstrumentedType prepare(InstrumentedType instrumentedType) {
      return instrumentedType;
    }

    @Override
    public ByteCodeAppender appender(Target implementationTarget) {
      return (visitor, context, instrumented) -> {
        StackManipulation.Size size =
            new StackManipulation.Compound(
                    MethodVariableAccess.loadThis(),
                    ClassConstant.of(method.getDeclaringType().asErasure()),
                    MethodInvocation.invoke(target),
                    TypeCasting.to(method.getDeclaringType().asErasure()),
                    MethodVariableAccess.allArgumentsOf(instrumented),
                    MethodInvocation.invoke(method),
                    MethodReturn.of(method.getReturnType()))
                .apply(visitor, context);
        return new ByteCodeAppender.Size(size.getMaximalSize(), instrumented.getStackSize());
      };
    }
  }
}
