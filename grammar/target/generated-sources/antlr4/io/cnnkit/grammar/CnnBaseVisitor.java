// Generated from io/cnnkit/grammar/CnnBase.g4 by ANTLR 4.13.1
package io.cnnkit.grammar;
import org.antlr.v4.runtime.tree.ParseTreeVisitor;

/**
 * This interface defines a complete generic visitor for a parse tree produced
 * by {@link CnnBaseParser}.
 *
 * @param <T> The return type of the visit operation. Use {@link Void} for
 * operations with no return type.
 */
public interface CnnBaseVisitor<T> extends ParseTreeVisitor<T> {
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#compilationUnit}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitCompilationUnit(CnnBaseParser.CompilationUnitContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#networkDecl}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitNetworkDecl(CnnBaseParser.NetworkDeclContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#importDecl}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitImportDecl(CnnBaseParser.ImportDeclContext ctx);
	/**
	 * Visit a parse tree produced by the {@code moduleItem}
	 * labeled alternative in {@link CnnBaseParser#topItem}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitModuleItem(CnnBaseParser.ModuleItemContext ctx);
	/**
	 * Visit a parse tree produced by the {@code inputItem}
	 * labeled alternative in {@link CnnBaseParser#topItem}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitInputItem(CnnBaseParser.InputItemContext ctx);
	/**
	 * Visit a parse tree produced by the {@code outputItem}
	 * labeled alternative in {@link CnnBaseParser#topItem}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitOutputItem(CnnBaseParser.OutputItemContext ctx);
	/**
	 * Visit a parse tree produced by the {@code valueItem}
	 * labeled alternative in {@link CnnBaseParser#topItem}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitValueItem(CnnBaseParser.ValueItemContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#moduleDecl}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitModuleDecl(CnnBaseParser.ModuleDeclContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#param}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitParam(CnnBaseParser.ParamContext ctx);
	/**
	 * Visit a parse tree produced by the {@code moduleValue}
	 * labeled alternative in {@link CnnBaseParser#moduleStmt}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitModuleValue(CnnBaseParser.ModuleValueContext ctx);
	/**
	 * Visit a parse tree produced by the {@code moduleOut}
	 * labeled alternative in {@link CnnBaseParser#moduleStmt}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitModuleOut(CnnBaseParser.ModuleOutContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#chain}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitChain(CnnBaseParser.ChainContext ctx);
	/**
	 * Visit a parse tree produced by the {@code conditionalHead}
	 * labeled alternative in {@link CnnBaseParser#head}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitConditionalHead(CnnBaseParser.ConditionalHeadContext ctx);
	/**
	 * Visit a parse tree produced by the {@code inHead}
	 * labeled alternative in {@link CnnBaseParser#head}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitInHead(CnnBaseParser.InHeadContext ctx);
	/**
	 * Visit a parse tree produced by the {@code referenceHead}
	 * labeled alternative in {@link CnnBaseParser#head}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitReferenceHead(CnnBaseParser.ReferenceHeadContext ctx);
	/**
	 * Visit a parse tree produced by the {@code layerHead}
	 * labeled alternative in {@link CnnBaseParser#head}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitLayerHead(CnnBaseParser.LayerHeadContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#layer}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitLayer(CnnBaseParser.LayerContext ctx);
	/**
	 * Visit a parse tree produced by the {@code repeatBody}
	 * labeled alternative in {@link CnnBaseParser#layerBody}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitRepeatBody(CnnBaseParser.RepeatBodyContext ctx);
	/**
	 * Visit a parse tree produced by the {@code groupBody}
	 * labeled alternative in {@link CnnBaseParser#layerBody}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitGroupBody(CnnBaseParser.GroupBodyContext ctx);
	/**
	 * Visit a parse tree produced by the {@code callBody}
	 * labeled alternative in {@link CnnBaseParser#layerBody}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitCallBody(CnnBaseParser.CallBodyContext ctx);
	/**
	 * Visit a parse tree produced by the {@code repeatCall}
	 * labeled alternative in {@link CnnBaseParser#repeatTarget}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitRepeatCall(CnnBaseParser.RepeatCallContext ctx);
	/**
	 * Visit a parse tree produced by the {@code repeatChain}
	 * labeled alternative in {@link CnnBaseParser#repeatTarget}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitRepeatChain(CnnBaseParser.RepeatChainContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#call}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitCall(CnnBaseParser.CallContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#argument}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitArgument(CnnBaseParser.ArgumentContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#shapeAssertion}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitShapeAssertion(CnnBaseParser.ShapeAssertionContext ctx);
	/**
	 * Visit a parse tree produced by {@link CnnBaseParser#shape}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitShape(CnnBaseParser.ShapeContext ctx);
	/**
	 * Visit a parse tree produced by the {@code nameReference}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitNameReference(CnnBaseParser.NameReferenceContext ctx);
	/**
	 * Visit a parse tree produced by the {@code intLiteral}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitIntLiteral(CnnBaseParser.IntLiteralContext ctx);
	/**
	 * Visit a parse tree produced by the {@code orExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitOrExpr(CnnBaseParser.OrExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code additiveExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitAdditiveExpr(CnnBaseParser.AdditiveExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code relationalExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitRelationalExpr(CnnBaseParser.RelationalExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code boolLiteral}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitBoolLiteral(CnnBaseParser.BoolLiteralContext ctx);
	/**
	 * Visit a parse tree produced by the {@code parenExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitParenExpr(CnnBaseParser.ParenExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code inReference}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitInReference(CnnBaseParser.InReferenceContext ctx);
	/**
	 * Visit a parse tree produced by the {@code unaryExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitUnaryExpr(CnnBaseParser.UnaryExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code stringLiteral}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitStringLiteral(CnnBaseParser.StringLiteralContext ctx);
	/**
	 * Visit a parse tree produced by the {@code floatLiteral}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitFloatLiteral(CnnBaseParser.FloatLiteralContext ctx);
	/**
	 * Visit a parse tree produced by the {@code tupleExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitTupleExpr(CnnBaseParser.TupleExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code dimsLiteral}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitDimsLiteral(CnnBaseParser.DimsLiteralContext ctx);
	/**
	 * Visit a parse tree produced by the {@code multiplicativeExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitMultiplicativeExpr(CnnBaseParser.MultiplicativeExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code conditionalExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitConditionalExpr(CnnBaseParser.ConditionalExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code equalityExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitEqualityExpr(CnnBaseParser.EqualityExprContext ctx);
	/**
	 * Visit a parse tree produced by the {@code andExpr}
	 * labeled alternative in {@link CnnBaseParser#expr}.
	 * @param ctx the parse tree
	 * @return the visitor result
	 */
	T visitAndExpr(CnnBaseParser.AndExprContext ctx);
}