package dev.lagwise.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.assign.primitive.PrimitiveNarrowingDelegate;
import net.bytebuddy.implementation.bytecode.assign.primitive.PrimitiveWideningDelegate;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.constant.NullConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodReturn;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The parameter setters of a {@link RecordingPreparedStatement}, written at build time by {@link
 * DelegatesPlugin}. Each {@code set*(int index, ...)} of {@code PreparedStatement} gets a number,
 * its kind (1 to n, in the order of name and parameter types); the setter's body passes the kind
 * and its arguments to {@link RecordingPreparedStatement#record} or {@code recordPrimitive} (a
 * primitive first value is stored as raw {@code long} bits, so {@code setInt} allocates nothing),
 * and {@code applyParameter} is one {@code tableswitch} on the kind that calls the same setter on
 * the vendor statement with the stored values converted back. Storage, bounds, streams and the
 * replay loop are hand-written in {@link RecordingPreparedStatement}; only the per-setter mapping
 * is generated, so a setter a later JDK adds is recorded without anyone writing it down.
 */
final class Recording {

  private static final TypeDescription OBJECT = TypeDescription.ForLoadedType.of(Object.class);
  private static final TypeDescription INT = TypeDescription.ForLoadedType.of(int.class);
  private static final TypeDescription LONG = TypeDescription.ForLoadedType.of(long.class);

  private final List<MethodDescription.InDefinedShape> setters;
  private final Map<MethodDescription.SignatureToken, Integer> kinds = new HashMap<>();

  /**
   * {@code preparedStatement}: {@code java.sql.PreparedStatement}, as the build's type pool has it.
   */
  Recording(TypeDescription preparedStatement) {
    this.setters =
        preparedStatement.getDeclaredMethods().stream()
            .filter(Recording::isSetter)
            .sorted(
                Comparator.comparing(
                    (MethodDescription m) ->
                        m.getName() + m.getParameters().asTypeList().asErasures()))
            .toList();
    if (setters.size() > Byte.MAX_VALUE) {
      throw new IllegalStateException("a kind is kept in a byte: " + setters.size() + " setters");
    }
    for (int k = 0; k < setters.size(); k++) {
      kinds.put(setters.get(k).asSignatureToken(), k + 1);
    }
  }

  private static boolean isSetter(MethodDescription m) {
    ParameterList<?> p = m.getParameters();
    return !m.isStatic()
        && m.getName().startsWith("set")
        && p.size() >= 2
        && p.size() <= 4
        && p.get(0).getType().represents(int.class);
  }

  /** The recording setters and the replay switch, on a subclass of RecordingPreparedStatement. */
  <T> DynamicType.Builder<T> apply(DynamicType.Builder<T> builder, TypeDescription base) {
    MethodDescription record = only(base, "record");
    MethodDescription recordPrimitive = only(base, "recordPrimitive");
    MethodDescription unknownKind = only(base, "unknownKind");
    for (MethodDescription.InDefinedShape setter : setters) {
      builder =
          builder
              .method(
                  named(setter.getName())
                      .and(takesArguments(setter.getParameters().asTypeList().asErasures())))
              .intercept(new Setter(kinds.get(setter.asSignatureToken()), record, recordPrimitive));
    }
    return builder.method(named("applyParameter")).intercept(new Replay(unknownKind));
  }

  private static MethodDescription only(TypeDescription base, String name) {
    for (TypeDefinition t = base; t != null; t = t.getSuperClass()) {
      MethodList<?> found = t.getDeclaredMethods().filter(named(name));
      if (found.size() == 1) {
        return found.getOnly();
      }
    }
    throw new IllegalStateException(base + " declares no single method " + name);
  }

  /** A setter body: {@code record(index, kind, value, second, third)}, boxing only extras. */
  private static final class Setter implements Implementation, ByteCodeAppender {
    private final int kind;
    private final MethodDescription record;
    private final MethodDescription recordPrimitive;

    Setter(int kind, MethodDescription record, MethodDescription recordPrimitive) {
      this.kind = kind;
      this.record = record;
      this.recordPrimitive = recordPrimitive;
    }

    @Override
    public InstrumentedType prepare(InstrumentedType instrumentedType) {
      return instrumentedType;
    }

    @Override
    public ByteCodeAppender appender(Target target) {
      return this;
    }

    @Override
    public Size apply(MethodVisitor visitor, Context context, MethodDescription method) {
      ParameterList<?> p = method.getParameters();
      boolean primitive = p.get(1).getType().isPrimitive();
      StackManipulation.Compound call =
          new StackManipulation.Compound(
              MethodVariableAccess.loadThis(),
              MethodVariableAccess.load(p.get(0)),
              IntegerConstant.forValue(kind),
              primitive ? toBits(p.get(1)) : MethodVariableAccess.load(p.get(1)),
              boxed(p, 2),
              primitive ? StackManipulation.Trivial.INSTANCE : boxed(p, 3),
              MethodInvocation.invoke(primitive ? recordPrimitive : record),
              MethodReturn.VOID);
      if (!call.isValid() || primitive && p.size() > 3) {
        throw new IllegalStateException("cannot record " + method);
      }
      return new Size(call.apply(visitor, context).getMaximalSize(), method.getStackSize());
    }

    /** The raw bits of a primitive value as a {@code long}, as {@link Replay} reads them back. */
    private static StackManipulation toBits(ParameterDescription p) {
      TypeDescription t = p.getType().asErasure();
      StackManipulation load = MethodVariableAccess.load(p);
      if (t.represents(long.class)) {
        return load;
      } else if (t.represents(double.class)) {
        return new StackManipulation.Compound(load, invoke(Double.class, "doubleToRawLongBits"));
      } else if (t.represents(float.class)) {
        return new StackManipulation.Compound(
            load, invoke(Float.class, "floatToRawIntBits"), widen(INT, LONG));
      }
      // boolean (0 or 1 in an int), byte, short, int: widened with their sign.
      return new StackManipulation.Compound(load, widen(INT, LONG));
    }

    private static StackManipulation boxed(ParameterList<?> p, int index) {
      if (index >= p.size()) {
        return NullConstant.INSTANCE;
      }
      ParameterDescription d = p.get(index);
      return new StackManipulation.Compound(
          MethodVariableAccess.load(d),
          Assigner.DEFAULT.assign(d.getType(), OBJECT.asGenericType(), Assigner.Typing.STATIC));
    }
  }

  /**
   * {@code applyParameter(ps, index, kind, bits, value, second, third)}: a {@code tableswitch} on
   * the kind, each case one call on {@code ps} with the stored values cast or unboxed back.
   */
  private final class Replay implements Implementation, ByteCodeAppender {
    private final MethodDescription unknownKind;

    Replay(MethodDescription unknownKind) {
      this.unknownKind = unknownKind;
    }

    @Override
    public InstrumentedType prepare(InstrumentedType instrumentedType) {
      return instrumentedType;
    }

    @Override
    public ByteCodeAppender appender(Target target) {
      return this;
    }

    @Override
    public Size apply(MethodVisitor visitor, Context context, MethodDescription method) {
      ParameterList<?> p = method.getParameters();
      // (PreparedStatement ps, int index, int kind, long bits, Object value, second, third)
      if (p.size() != 7 || !p.get(3).getType().represents(long.class)) {
        throw new IllegalStateException("unexpected signature of " + method);
      }
      Label[] cases = new Label[setters.size()];
      for (int k = 0; k < cases.length; k++) {
        cases[k] = new Label();
      }
      Label unknown = new Label();
      int stack = MethodVariableAccess.load(p.get(2)).apply(visitor, context).getMaximalSize();
      visitor.visitTableSwitchInsn(1, cases.length, unknown, cases);
      for (int k = 0; k < cases.length; k++) {
        visitor.visitLabel(cases[k]);
        // Every case starts with the method's own locals and an empty stack, and ends in a return.
        visitor.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        MethodDescription.InDefinedShape setter = setters.get(k);
        ParameterList<?> sp = setter.getParameters();
        StackManipulation.Compound call =
            new StackManipulation.Compound(
                MethodVariableAccess.load(p.get(0)),
                MethodVariableAccess.load(p.get(1)),
                stored(sp.get(1).getType().asErasure(), true, p.get(3), p.get(4)),
                sp.size() > 2
                    ? stored(sp.get(2).getType().asErasure(), false, null, p.get(5))
                    : StackManipulation.Trivial.INSTANCE,
                sp.size() > 3
                    ? stored(sp.get(3).getType().asErasure(), false, null, p.get(6))
                    : StackManipulation.Trivial.INSTANCE,
                MethodInvocation.invoke(setter),
                MethodReturn.VOID);
        if (!call.isValid()) {
          throw new IllegalStateException("cannot replay " + setter);
        }
        stack = Math.max(stack, call.apply(visitor, context).getMaximalSize());
      }
      visitor.visitLabel(unknown);
      visitor.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
      StackManipulation.Compound fail =
          new StackManipulation.Compound(
              MethodVariableAccess.load(p.get(2)), MethodInvocation.invoke(unknownKind));
      stack = Math.max(stack, fail.apply(visitor, context).getMaximalSize());
      visitor.visitInsn(Opcodes.ATHROW);
      return new Size(stack, method.getStackSize());
    }

    /**
     * One stored argument converted back to the setter's parameter type: the first value from its
     * raw bits when primitive, else cast; an extra argument cast or unboxed from its box.
     */
    private StackManipulation stored(
        TypeDescription type, boolean first, ParameterDescription bits, ParameterDescription slot) {
      if (first && type.isPrimitive()) {
        StackManipulation load = MethodVariableAccess.load(bits);
        if (type.represents(long.class)) {
          return load;
        } else if (type.represents(double.class)) {
          return new StackManipulation.Compound(load, invoke(Double.class, "longBitsToDouble"));
        }
        StackManipulation toInt = narrow(LONG, INT);
        if (type.represents(float.class)) {
          return new StackManipulation.Compound(load, toInt, invoke(Float.class, "intBitsToFloat"));
        } else if (type.represents(byte.class) || type.represents(short.class)) {
          return new StackManipulation.Compound(load, toInt, narrow(INT, type));
        }
        // int, and boolean stored as 0 or 1.
        return new StackManipulation.Compound(load, toInt);
      }
      return new StackManipulation.Compound(
          MethodVariableAccess.load(slot),
          Assigner.DEFAULT.assign(
              OBJECT.asGenericType(), type.asGenericType(), Assigner.Typing.DYNAMIC));
    }
  }

  private static StackManipulation invoke(Class<?> owner, String name) {
    return MethodInvocation.invoke(
        TypeDescription.ForLoadedType.of(owner).getDeclaredMethods().filter(named(name)).getOnly());
  }

  private static StackManipulation widen(TypeDefinition from, TypeDefinition to) {
    return PrimitiveWideningDelegate.forPrimitive(from).widenTo(to);
  }

  private static StackManipulation narrow(TypeDefinition from, TypeDefinition to) {
    return PrimitiveNarrowingDelegate.forPrimitive(from).narrowTo(to);
  }
}
