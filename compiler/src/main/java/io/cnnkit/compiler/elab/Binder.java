package io.cnnkit.compiler.elab;

import io.cnnkit.compiler.Diagnostic;
import io.cnnkit.compiler.DiagnosticCode;
import io.cnnkit.compiler.SourceLocation;
import io.cnnkit.compiler.ast.Ast;
import io.cnnkit.compiler.op.ArgValue;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Matches a call's positional and named arguments to parameters, shared by operators and modules. */
final class Binder {
    private Binder() {
    }

    /**
     * Evaluates and binds the arguments of {@code call}; returns the bound values (parameters
     * without an argument are absent), or null after reporting what is wrong.
     */
    static Map<String, ArgValue> bind(String callee, String signature, List<String> parameters, List<String> required,
                                      Ast.Call call, Elaborator.Env env, Diagnostics diagnostics) {
        Map<String, ArgValue> bound = new LinkedHashMap<>();
        Map<String, Ast.Argument> given = new HashMap<>();
        java.util.Set<String> meant = new java.util.HashSet<>(); // what misspelt names stand for: not missing too
        boolean ok = true;
        boolean sawNamed = false;
        int position = 0;
        for (Ast.Argument arg : call.arguments()) {
            String parameter;
            if (arg.name().isPresent()) {
                sawNamed = true;
                parameter = arg.name().get().name();
                if (!parameters.contains(parameter)) {
                    diagnostics.add(Suggestions.withFix(Diagnostic.error(DiagnosticCode.UNKNOWN_ARGUMENT,
                            arg.name().get().location(), "'" + callee + "' has no parameter '" + parameter + "'"
                                    + Suggestions.didYouMean(parameter, parameters) + "; expected " + signature),
                            arg.name().get(), parameters));
                    Suggestions.closest(parameter, parameters).ifPresent(meant::add);
                    ok = false;
                    continue;
                }
            } else {
                if (sawNamed) {
                    diagnostics.add(Diagnostic.error(DiagnosticCode.ARGUMENT_ORDER, arg.location(),
                            "positional argument after a named one; expected name=value"));
                    ok = false;
                    continue;
                }
                if (position >= parameters.size()) {
                    diagnostics.add(Diagnostic.error(DiagnosticCode.TOO_MANY_ARGUMENTS, arg.location(),
                            "too many arguments: '" + callee + "' takes at most " + parameters.size()
                                    + "; expected " + signature));
                    ok = false;
                    continue;
                }
                parameter = parameters.get(position++);
            }
            if (given.put(parameter, arg) != null) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.DUPLICATE_ARGUMENT, arg.location(),
                        "argument '" + parameter + "' is given twice; expected " + signature));
                ok = false;
                continue;
            }
            try {
                bound.put(parameter, Evaluator.eval(arg.value(), env.names()));
            } catch (Evaluator.EvalException e) {
                e.report(diagnostics, env.instantiation());
                ok = false;
            }
        }
        for (String parameter : required) {
            if (!given.containsKey(parameter) && !meant.contains(parameter)) {
                diagnostics.add(Diagnostic.error(DiagnosticCode.MISSING_ARGUMENT, call.location(),
                        "missing argument '" + parameter + "'; expected " + signature));
                ok = false;
            }
        }
        return ok ? bound : null;
    }

    /** Where the argument for {@code parameter} is written, or the call when it is not written. */
    static SourceLocation locate(Ast.Call call, List<String> parameters, String parameter) {
        int position = 0;
        for (Ast.Argument arg : call.arguments()) {
            String name = arg.name().map(Ast.Identifier::name)
                    .orElse(position < parameters.size() ? parameters.get(position) : "");
            if (arg.name().isEmpty()) {
                position++;
            }
            if (name.equals(parameter)) {
                return arg.location();
            }
        }
        return call.location();
    }

    /** Evaluates a parameter's default, which may refer to the parameters before it. */
    static ArgValue evalDefault(Ast.Param param, Map<String, ArgValue> earlier, Ast.ModuleDecl module,
                                Diagnostics diagnostics) {
        Ast.Expr expr = param.defaultValue().orElseThrow();
        try {
            return Evaluator.eval(expr, new Evaluator.Names() {
                @Override
                public ArgValue parameter(String name) {
                    return earlier.get(name);
                }

                @Override
                public String unknown(String name) {
                    return "unknown name '" + name + "' in the default of '" + param.name().name()
                            + "'; expected an earlier parameter of module '" + module.name().name() + "'";
                }
            });
        } catch (Evaluator.EvalException e) {
            e.report(diagnostics, "");
            return null;
        }
    }
}
