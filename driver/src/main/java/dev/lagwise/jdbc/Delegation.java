package dev.lagwise.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.not;

import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.FieldLocator;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.TypeCasting;
import net.bytebuddy.implementation.bytecode.member.FieldAccess;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodReturn;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The one place that turns "every interface method no class implements" into straight delegates:
 * {@code return ((I) this.delegate).m(args)}, one {@code getfield}, a {@code checkcast} only when
 * the field's type is not already an {@code I}, and one {@code invokeinterface}. No reflection, no
 * method handle, no allocation: the JIT sees the same code as a hand-written delegate. A base that
 * declares a no-argument method {@code delegate()} instead gets {@code ((I)
 * this.delegate()).m(args)}: its vendor object is chosen per call ({@link
 * LogicalDatabaseMetaData}).
 *
 * <p>Used at build time by {@link DelegatesPlugin} for the JDBC interfaces, and at run time by
 * {@link VendorClasses}, when a subclass adds a vendor interface ({@code
 * org.postgresql.PGStatement}) to one of the hand-written abstract classes: the same rules ({@link
 * #implementAbstract}) then write the JDBC methods, and the vendor interface's methods get the
 * vendor semantics on top. What counts as "not implemented" is read from the method graph of the
 * type being built: an abstract interface method, or an interface default (a default would
 * otherwise answer instead of the vendor, who may override it). Methods a hand-written class
 * declares are left alone.
 */
final class Delegation implements Implementation {

  /** The field every hand-written base class keeps the vendor object in. */
  static final String FIELD = "delegate";

  /** Interface methods that no class of the hierarchy implements. */
  static final ElementMatcher.Junction<MethodDescription> UNIMPLEMENTED =
      not(isStatic()).and(isDeclaredBy(isInterface()));

  private final String field;

  private Delegation(String field) {
    this.field = field;
  }

  /**
   * Delegates every method of {@code builder}'s type that no class implements to {@link #FIELD}.
   */
  static <T> DynamicType.Builder<T> delegateRemaining(DynamicType.Builder<T> builder) {
    return delegateRemaining(builder, FIELD);
  }

  /**
   * What a subclass of the hand-written abstract wrapper {@code base} implements, written by the
   * same rules at build time ({@link DelegatesPlugin}, the final {@code Generated*} classes) and at
   * run time ({@link VendorClasses}, a class that also implements a vendor interface): for a {@link
   * RecordingPreparedStatement}, the recording setters and their replay ({@code recording}); for
   * every other base, straight delegates to {@link #FIELD}. Rules a caller adds afterwards take
   * precedence (Byte Buddy applies the last matching one).
   */
  static <T> DynamicType.Builder<T> implementAbstract(
      DynamicType.Builder<T> builder, TypeDescription base, Recording recording) {
    return base.isAssignableTo(RecordingPreparedStatement.class)
        ? recording.apply(builder, base)
        : delegateRemaining(builder);
  }

  /**
   * Fails, naming them, when {@code type} (as its class file was written) still has abstract
   * methods: a wrapper would otherwise throw {@link AbstractMethodError} at the first such call.
   */
  static void checkNothingAbstract(TypeDescription type) {
    MethodList<?> left =
        MethodGraph.Compiler.DEFAULT
            .compile((TypeDefinition) type)
            .listNodes()
            .asMethodList()
            .filter(isAbstract());
    if (!left.isEmpty()) {
      throw new IllegalStateException(type + " leaves abstract: " + left);
    }
  }

  /** As {@link #delegateRemaining(DynamicType.Builder)}, to the instance field {@code field}. */
  static <T> DynamicType.Builder<T> delegateRemaining(
      DynamicType.Builder<T> builder, String field) {
    return builder.method(UNIMPLEMENTED).intercept(new Delegation(field));
  }

  @Override
  public InstrumentedType prepare(InstrumentedType instrumentedType) {
    return instrumentedType;
  }

  @Override
  public ByteCodeAppender appender(Target target) {
    TypeDescription type = target.getInstrumentedType();
    MethodDescription accessor = accessor(type, field);
    if (accessor != null) {
      return new Appender(
          MethodInvocation.invoke(accessor), accessor.getReturnType().asErasure(), accessor);
    }
    FieldLocator.Resolution resolution = new FieldLocator.ForClassHierarchy(type).locate(field);
    if (!resolution.isResolved() || resolution.getField().isStatic()) {
      throw new IllegalStateException(type + " has no instance field " + field + " to delegate to");
    }
    FieldDescription f = resolution.getField();
    return new Appender(FieldAccess.forField(f).read(), f.getType().asErasure(), f);
  }

  /**
   * A no-argument instance method named {@code name} declared by a class of {@code type}'s
   * hierarchy, or null: a base whose vendor object must be looked up at each call (the metadata,
   * whose queries are routed one by one) declares one, and every delegate calls it instead of
   * reading the field.
   */
  private static MethodDescription accessor(TypeDescription type, String name) {
    for (TypeDefinition t = type; t != null; t = t.getSuperClass()) {
      for (MethodDescription m : t.getDeclaredMethods()) {
        if (m.getInternalName().equals(name)
            && m.getParameters().isEmpty()
            && !m.isStatic()
            && !m.isPrivate()
            && !m.isAbstract()) {
          return m.asDefined();
        }
      }
    }
    return null;
  }

  private static final class Appender implements ByteCodeAppender {

    private final StackManipulation load;
    private final TypeDescription loaded;
    private final Object source;

    /**
     * {@code load} pushes the vendor object, of static type {@code loaded}, read from {@code
     * source}.
     */
    Appender(StackManipulation load, TypeDescription loaded, Object source) {
      this.load = load;
      this.loaded = loaded;
      this.source = source;
    }

    @Override
    public Size apply(MethodVisitor visitor, Context context, MethodDescription method) {
      MethodDescription.InDefinedShape target = method.asDefined();
      TypeDescription owner = target.getDeclaringType();
      StackManipulation call =
          new StackManipulation.Compound(
              MethodVariableAccess.loadThis(),
              load,
              loaded.isAssignableTo(owner)
                  ? StackManipulation.Trivial.INSTANCE
                  : TypeCasting.to(owner),
              MethodVariableAccess.allArgumentsOf(method),
              MethodInvocation.invoke(target),
              MethodReturn.of(method.getReturnType()));
      if (!call.isValid()) {
        throw new IllegalStateException("cannot delegate " + method + " to " + source);
      }
      return new Size(call.apply(visitor, context).getMaximalSize(), method.getStackSize());
    }
  }
}
