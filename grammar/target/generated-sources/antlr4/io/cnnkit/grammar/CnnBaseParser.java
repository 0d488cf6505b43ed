// Generated from io/cnnkit/grammar/CnnBase.g4 by ANTLR 4.13.1
package io.cnnkit.grammar;
import org.antlr.v4.runtime.atn.*;
import org.antlr.v4.runtime.dfa.DFA;
import org.antlr.v4.runtime.*;
import org.antlr.v4.runtime.misc.*;
import org.antlr.v4.runtime.tree.*;
import java.util.List;
import java.util.Iterator;
import java.util.ArrayList;

@SuppressWarnings({"all", "warnings", "unchecked", "unused", "cast", "CheckReturnValue"})
public class CnnBaseParser extends Parser {
	static { RuntimeMetaData.checkVersion("4.13.1", RuntimeMetaData.VERSION); }

	protected static final DFA[] _decisionToDFA;
	protected static final PredictionContextCache _sharedContextCache =
		new PredictionContextCache();
	public static final int
		NETWORK=1, IMPORT=2, INPUT=3, OUTPUT=4, AUX=5, MODULE=6, OUT=7, REPEAT=8, 
		AS=9, IF=10, THEN=11, ELSE=12, TRUE=13, FALSE=14, IN=15, ARROW=16, LE=17, 
		GE=18, EQ=19, NE=20, AND=21, OR=22, LT=23, GT=24, ASSIGN=25, COLON=26, 
		COMMA=27, LPAREN=28, RPAREN=29, LBRACE=30, RBRACE=31, LBRACKET=32, RBRACKET=33, 
		PLUS=34, MINUS=35, STAR=36, SLASH=37, PERCENT=38, BANG=39, SHAPE=40, FLOAT=41, 
		INT=42, STRING=43, UNTERMINATED_STRING=44, IDENT=45, LINE_COMMENT=46, 
		BLOCK_COMMENT=47, UNTERMINATED_COMMENT=48, WS=49, UNKNOWN_CHAR=50;
	public static final int
		RULE_compilationUnit = 0, RULE_networkDecl = 1, RULE_importDecl = 2, RULE_topItem = 3, 
		RULE_moduleDecl = 4, RULE_param = 5, RULE_moduleStmt = 6, RULE_chain = 7, 
		RULE_head = 8, RULE_layer = 9, RULE_layerBody = 10, RULE_repeatTarget = 11, 
		RULE_call = 12, RULE_argument = 13, RULE_shapeAssertion = 14, RULE_shape = 15, 
		RULE_expr = 16;
	private static String[] makeRuleNames() {
		return new String[] {
			"compilationUnit", "networkDecl", "importDecl", "topItem", "moduleDecl", 
			"param", "moduleStmt", "chain", "head", "layer", "layerBody", "repeatTarget", 
			"call", "argument", "shapeAssertion", "shape", "expr"
		};
	}
	public static final String[] ruleNames = makeRuleNames();

	private static String[] makeLiteralNames() {
		return new String[] {
			null, "'network'", "'import'", "'input'", "'output'", "'aux'", "'module'", 
			"'out'", "'repeat'", "'as'", "'if'", "'then'", "'else'", "'true'", "'false'", 
			"'in'", "'->'", "'<='", "'>='", "'=='", "'!='", "'&&'", "'||'", "'<'", 
			"'>'", "'='", "':'", "','", "'('", "')'", "'{'", "'}'", "'['", "']'", 
			"'+'", "'-'", "'*'", "'/'", "'%'", "'!'"
		};
	}
	private static final String[] _LITERAL_NAMES = makeLiteralNames();
	private static String[] makeSymbolicNames() {
		return new String[] {
			null, "NETWORK", "IMPORT", "INPUT", "OUTPUT", "AUX", "MODULE", "OUT", 
			"REPEAT", "AS", "IF", "THEN", "ELSE", "TRUE", "FALSE", "IN", "ARROW", 
			"LE", "GE", "EQ", "NE", "AND", "OR", "LT", "GT", "ASSIGN", "COLON", "COMMA", 
			"LPAREN", "RPAREN", "LBRACE", "RBRACE", "LBRACKET", "RBRACKET", "PLUS", 
			"MINUS", "STAR", "SLASH", "PERCENT", "BANG", "SHAPE", "FLOAT", "INT", 
			"STRING", "UNTERMINATED_STRING", "IDENT", "LINE_COMMENT", "BLOCK_COMMENT", 
			"UNTERMINATED_COMMENT", "WS", "UNKNOWN_CHAR"
		};
	}
	private static final String[] _SYMBOLIC_NAMES = makeSymbolicNames();
	public static final Vocabulary VOCABULARY = new VocabularyImpl(_LITERAL_NAMES, _SYMBOLIC_NAMES);

	/**
	 * @deprecated Use {@link #VOCABULARY} instead.
	 */
	@Deprecated
	public static final String[] tokenNames;
	static {
		tokenNames = new String[_SYMBOLIC_NAMES.length];
		for (int i = 0; i < tokenNames.length; i++) {
			tokenNames[i] = VOCABULARY.getLiteralName(i);
			if (tokenNames[i] == null) {
				tokenNames[i] = VOCABULARY.getSymbolicName(i);
			}

			if (tokenNames[i] == null) {
				tokenNames[i] = "<INVALID>";
			}
		}
	}

	@Override
	@Deprecated
	public String[] getTokenNames() {
		return tokenNames;
	}

	@Override

	public Vocabulary getVocabulary() {
		return VOCABULARY;
	}

	@Override
	public String getGrammarFileName() { return "CnnBase.g4"; }

	@Override
	public String[] getRuleNames() { return ruleNames; }

	@Override
	public String getSerializedATN() { return _serializedATN; }

	@Override
	public ATN getATN() { return _ATN; }

	public CnnBaseParser(TokenStream input) {
		super(input);
		_interp = new ParserATNSimulator(this,_ATN,_decisionToDFA,_sharedContextCache);
	}

	@SuppressWarnings("CheckReturnValue")
	public static class CompilationUnitContext extends ParserRuleContext {
		public TerminalNode EOF() { return getToken(CnnBaseParser.EOF, 0); }
		public NetworkDeclContext networkDecl() {
			return getRuleContext(NetworkDeclContext.class,0);
		}
		public List<ImportDeclContext> importDecl() {
			return getRuleContexts(ImportDeclContext.class);
		}
		public ImportDeclContext importDecl(int i) {
			return getRuleContext(ImportDeclContext.class,i);
		}
		public List<TopItemContext> topItem() {
			return getRuleContexts(TopItemContext.class);
		}
		public TopItemContext topItem(int i) {
			return getRuleContext(TopItemContext.class,i);
		}
		public CompilationUnitContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_compilationUnit; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitCompilationUnit(this);
			else return visitor.visitChildren(this);
		}
	}

	public final CompilationUnitContext compilationUnit() throws RecognitionException {
		CompilationUnitContext _localctx = new CompilationUnitContext(_ctx, getState());
		enterRule(_localctx, 0, RULE_compilationUnit);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(35);
			_errHandler.sync(this);
			_la = _input.LA(1);
			if (_la==NETWORK) {
				{
				setState(34);
				networkDecl();
				}
			}

			setState(40);
			_errHandler.sync(this);
			_la = _input.LA(1);
			while (_la==IMPORT) {
				{
				{
				setState(37);
				importDecl();
				}
				}
				setState(42);
				_errHandler.sync(this);
				_la = _input.LA(1);
			}
			setState(46);
			_errHandler.sync(this);
			_la = _input.LA(1);
			while ((((_la) & ~0x3f) == 0 && ((1L << _la) & 35184372088952L) != 0)) {
				{
				{
				setState(43);
				topItem();
				}
				}
				setState(48);
				_errHandler.sync(this);
				_la = _input.LA(1);
			}
			setState(49);
			match(EOF);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class NetworkDeclContext extends ParserRuleContext {
		public TerminalNode NETWORK() { return getToken(CnnBaseParser.NETWORK, 0); }
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public NetworkDeclContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_networkDecl; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitNetworkDecl(this);
			else return visitor.visitChildren(this);
		}
	}

	public final NetworkDeclContext networkDecl() throws RecognitionException {
		NetworkDeclContext _localctx = new NetworkDeclContext(_ctx, getState());
		enterRule(_localctx, 2, RULE_networkDecl);
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(51);
			match(NETWORK);
			setState(52);
			match(IDENT);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ImportDeclContext extends ParserRuleContext {
		public TerminalNode IMPORT() { return getToken(CnnBaseParser.IMPORT, 0); }
		public TerminalNode STRING() { return getToken(CnnBaseParser.STRING, 0); }
		public ImportDeclContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_importDecl; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitImportDecl(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ImportDeclContext importDecl() throws RecognitionException {
		ImportDeclContext _localctx = new ImportDeclContext(_ctx, getState());
		enterRule(_localctx, 4, RULE_importDecl);
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(54);
			match(IMPORT);
			setState(55);
			match(STRING);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class TopItemContext extends ParserRuleContext {
		public TopItemContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_topItem; }
	 
		public TopItemContext() { }
		public void copyFrom(TopItemContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ModuleItemContext extends TopItemContext {
		public ModuleDeclContext moduleDecl() {
			return getRuleContext(ModuleDeclContext.class,0);
		}
		public ModuleItemContext(TopItemContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitModuleItem(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ValueItemContext extends TopItemContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode ASSIGN() { return getToken(CnnBaseParser.ASSIGN, 0); }
		public ChainContext chain() {
			return getRuleContext(ChainContext.class,0);
		}
		public ValueItemContext(TopItemContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitValueItem(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class InputItemContext extends TopItemContext {
		public TerminalNode INPUT() { return getToken(CnnBaseParser.INPUT, 0); }
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode COLON() { return getToken(CnnBaseParser.COLON, 0); }
		public ShapeContext shape() {
			return getRuleContext(ShapeContext.class,0);
		}
		public InputItemContext(TopItemContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitInputItem(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class OutputItemContext extends TopItemContext {
		public TerminalNode OUTPUT() { return getToken(CnnBaseParser.OUTPUT, 0); }
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode AUX() { return getToken(CnnBaseParser.AUX, 0); }
		public TerminalNode ASSIGN() { return getToken(CnnBaseParser.ASSIGN, 0); }
		public ChainContext chain() {
			return getRuleContext(ChainContext.class,0);
		}
		public OutputItemContext(TopItemContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitOutputItem(this);
			else return visitor.visitChildren(this);
		}
	}

	public final TopItemContext topItem() throws RecognitionException {
		TopItemContext _localctx = new TopItemContext(_ctx, getState());
		enterRule(_localctx, 6, RULE_topItem);
		int _la;
		try {
			setState(74);
			_errHandler.sync(this);
			switch (_input.LA(1)) {
			case MODULE:
				_localctx = new ModuleItemContext(_localctx);
				enterOuterAlt(_localctx, 1);
				{
				setState(57);
				moduleDecl();
				}
				break;
			case INPUT:
				_localctx = new InputItemContext(_localctx);
				enterOuterAlt(_localctx, 2);
				{
				setState(58);
				match(INPUT);
				setState(59);
				match(IDENT);
				setState(60);
				match(COLON);
				setState(61);
				shape();
				}
				break;
			case OUTPUT:
			case AUX:
				_localctx = new OutputItemContext(_localctx);
				enterOuterAlt(_localctx, 3);
				{
				setState(63);
				_errHandler.sync(this);
				_la = _input.LA(1);
				if (_la==AUX) {
					{
					setState(62);
					match(AUX);
					}
				}

				setState(65);
				match(OUTPUT);
				setState(66);
				match(IDENT);
				setState(69);
				_errHandler.sync(this);
				_la = _input.LA(1);
				if (_la==ASSIGN) {
					{
					setState(67);
					match(ASSIGN);
					setState(68);
					chain();
					}
				}

				}
				break;
			case IDENT:
				_localctx = new ValueItemContext(_localctx);
				enterOuterAlt(_localctx, 4);
				{
				setState(71);
				match(IDENT);
				setState(72);
				match(ASSIGN);
				setState(73);
				chain();
				}
				break;
			default:
				throw new NoViableAltException(this);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ModuleDeclContext extends ParserRuleContext {
		public TerminalNode MODULE() { return getToken(CnnBaseParser.MODULE, 0); }
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode LPAREN() { return getToken(CnnBaseParser.LPAREN, 0); }
		public TerminalNode RPAREN() { return getToken(CnnBaseParser.RPAREN, 0); }
		public TerminalNode LBRACE() { return getToken(CnnBaseParser.LBRACE, 0); }
		public TerminalNode RBRACE() { return getToken(CnnBaseParser.RBRACE, 0); }
		public List<ParamContext> param() {
			return getRuleContexts(ParamContext.class);
		}
		public ParamContext param(int i) {
			return getRuleContext(ParamContext.class,i);
		}
		public List<ModuleStmtContext> moduleStmt() {
			return getRuleContexts(ModuleStmtContext.class);
		}
		public ModuleStmtContext moduleStmt(int i) {
			return getRuleContext(ModuleStmtContext.class,i);
		}
		public List<TerminalNode> COMMA() { return getTokens(CnnBaseParser.COMMA); }
		public TerminalNode COMMA(int i) {
			return getToken(CnnBaseParser.COMMA, i);
		}
		public ModuleDeclContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_moduleDecl; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitModuleDecl(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ModuleDeclContext moduleDecl() throws RecognitionException {
		ModuleDeclContext _localctx = new ModuleDeclContext(_ctx, getState());
		enterRule(_localctx, 8, RULE_moduleDecl);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(76);
			match(MODULE);
			setState(77);
			match(IDENT);
			setState(78);
			match(LPAREN);
			setState(87);
			_errHandler.sync(this);
			_la = _input.LA(1);
			if (_la==IDENT) {
				{
				setState(79);
				param();
				setState(84);
				_errHandler.sync(this);
				_la = _input.LA(1);
				while (_la==COMMA) {
					{
					{
					setState(80);
					match(COMMA);
					setState(81);
					param();
					}
					}
					setState(86);
					_errHandler.sync(this);
					_la = _input.LA(1);
				}
				}
			}

			setState(89);
			match(RPAREN);
			setState(90);
			match(LBRACE);
			setState(94);
			_errHandler.sync(this);
			_la = _input.LA(1);
			while (_la==OUT || _la==IDENT) {
				{
				{
				setState(91);
				moduleStmt();
				}
				}
				setState(96);
				_errHandler.sync(this);
				_la = _input.LA(1);
			}
			setState(97);
			match(RBRACE);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ParamContext extends ParserRuleContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode ASSIGN() { return getToken(CnnBaseParser.ASSIGN, 0); }
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public ParamContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_param; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitParam(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ParamContext param() throws RecognitionException {
		ParamContext _localctx = new ParamContext(_ctx, getState());
		enterRule(_localctx, 10, RULE_param);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(99);
			match(IDENT);
			setState(102);
			_errHandler.sync(this);
			_la = _input.LA(1);
			if (_la==ASSIGN) {
				{
				setState(100);
				match(ASSIGN);
				setState(101);
				expr(0);
				}
			}

			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ModuleStmtContext extends ParserRuleContext {
		public ModuleStmtContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_moduleStmt; }
	 
		public ModuleStmtContext() { }
		public void copyFrom(ModuleStmtContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ModuleValueContext extends ModuleStmtContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode ASSIGN() { return getToken(CnnBaseParser.ASSIGN, 0); }
		public ChainContext chain() {
			return getRuleContext(ChainContext.class,0);
		}
		public ModuleValueContext(ModuleStmtContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitModuleValue(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ModuleOutContext extends ModuleStmtContext {
		public TerminalNode OUT() { return getToken(CnnBaseParser.OUT, 0); }
		public ChainContext chain() {
			return getRuleContext(ChainContext.class,0);
		}
		public ModuleOutContext(ModuleStmtContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitModuleOut(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ModuleStmtContext moduleStmt() throws RecognitionException {
		ModuleStmtContext _localctx = new ModuleStmtContext(_ctx, getState());
		enterRule(_localctx, 12, RULE_moduleStmt);
		try {
			setState(109);
			_errHandler.sync(this);
			switch (_input.LA(1)) {
			case IDENT:
				_localctx = new ModuleValueContext(_localctx);
				enterOuterAlt(_localctx, 1);
				{
				setState(104);
				match(IDENT);
				setState(105);
				match(ASSIGN);
				setState(106);
				chain();
				}
				break;
			case OUT:
				_localctx = new ModuleOutContext(_localctx);
				enterOuterAlt(_localctx, 2);
				{
				setState(107);
				match(OUT);
				setState(108);
				chain();
				}
				break;
			default:
				throw new NoViableAltException(this);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ChainContext extends ParserRuleContext {
		public HeadContext head() {
			return getRuleContext(HeadContext.class,0);
		}
		public List<TerminalNode> ARROW() { return getTokens(CnnBaseParser.ARROW); }
		public TerminalNode ARROW(int i) {
			return getToken(CnnBaseParser.ARROW, i);
		}
		public List<LayerContext> layer() {
			return getRuleContexts(LayerContext.class);
		}
		public LayerContext layer(int i) {
			return getRuleContext(LayerContext.class,i);
		}
		public ChainContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_chain; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitChain(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ChainContext chain() throws RecognitionException {
		ChainContext _localctx = new ChainContext(_ctx, getState());
		enterRule(_localctx, 14, RULE_chain);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(111);
			head();
			setState(116);
			_errHandler.sync(this);
			_la = _input.LA(1);
			while (_la==ARROW) {
				{
				{
				setState(112);
				match(ARROW);
				setState(113);
				layer();
				}
				}
				setState(118);
				_errHandler.sync(this);
				_la = _input.LA(1);
			}
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class HeadContext extends ParserRuleContext {
		public HeadContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_head; }
	 
		public HeadContext() { }
		public void copyFrom(HeadContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ConditionalHeadContext extends HeadContext {
		public TerminalNode IF() { return getToken(CnnBaseParser.IF, 0); }
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public List<TerminalNode> LBRACE() { return getTokens(CnnBaseParser.LBRACE); }
		public TerminalNode LBRACE(int i) {
			return getToken(CnnBaseParser.LBRACE, i);
		}
		public List<ChainContext> chain() {
			return getRuleContexts(ChainContext.class);
		}
		public ChainContext chain(int i) {
			return getRuleContext(ChainContext.class,i);
		}
		public List<TerminalNode> RBRACE() { return getTokens(CnnBaseParser.RBRACE); }
		public TerminalNode RBRACE(int i) {
			return getToken(CnnBaseParser.RBRACE, i);
		}
		public TerminalNode ELSE() { return getToken(CnnBaseParser.ELSE, 0); }
		public ConditionalHeadContext(HeadContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitConditionalHead(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class LayerHeadContext extends HeadContext {
		public LayerContext layer() {
			return getRuleContext(LayerContext.class,0);
		}
		public LayerHeadContext(HeadContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitLayerHead(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class InHeadContext extends HeadContext {
		public TerminalNode IN() { return getToken(CnnBaseParser.IN, 0); }
		public InHeadContext(HeadContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitInHead(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ReferenceHeadContext extends HeadContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public ReferenceHeadContext(HeadContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitReferenceHead(this);
			else return visitor.visitChildren(this);
		}
	}

	public final HeadContext head() throws RecognitionException {
		HeadContext _localctx = new HeadContext(_ctx, getState());
		enterRule(_localctx, 16, RULE_head);
		try {
			setState(132);
			_errHandler.sync(this);
			switch ( getInterpreter().adaptivePredict(_input,12,_ctx) ) {
			case 1:
				_localctx = new ConditionalHeadContext(_localctx);
				enterOuterAlt(_localctx, 1);
				{
				setState(119);
				match(IF);
				setState(120);
				expr(0);
				setState(121);
				match(LBRACE);
				setState(122);
				chain();
				setState(123);
				match(RBRACE);
				setState(124);
				match(ELSE);
				setState(125);
				match(LBRACE);
				setState(126);
				chain();
				setState(127);
				match(RBRACE);
				}
				break;
			case 2:
				_localctx = new InHeadContext(_localctx);
				enterOuterAlt(_localctx, 2);
				{
				setState(129);
				match(IN);
				}
				break;
			case 3:
				_localctx = new ReferenceHeadContext(_localctx);
				enterOuterAlt(_localctx, 3);
				{
				setState(130);
				match(IDENT);
				}
				break;
			case 4:
				_localctx = new LayerHeadContext(_localctx);
				enterOuterAlt(_localctx, 4);
				{
				setState(131);
				layer();
				}
				break;
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class LayerContext extends ParserRuleContext {
		public LayerBodyContext layerBody() {
			return getRuleContext(LayerBodyContext.class,0);
		}
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode COLON() { return getToken(CnnBaseParser.COLON, 0); }
		public ShapeAssertionContext shapeAssertion() {
			return getRuleContext(ShapeAssertionContext.class,0);
		}
		public LayerContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_layer; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitLayer(this);
			else return visitor.visitChildren(this);
		}
	}

	public final LayerContext layer() throws RecognitionException {
		LayerContext _localctx = new LayerContext(_ctx, getState());
		enterRule(_localctx, 18, RULE_layer);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(136);
			_errHandler.sync(this);
			switch ( getInterpreter().adaptivePredict(_input,13,_ctx) ) {
			case 1:
				{
				setState(134);
				match(IDENT);
				setState(135);
				match(COLON);
				}
				break;
			}
			setState(138);
			layerBody();
			setState(140);
			_errHandler.sync(this);
			_la = _input.LA(1);
			if (_la==COLON) {
				{
				setState(139);
				shapeAssertion();
				}
			}

			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class LayerBodyContext extends ParserRuleContext {
		public LayerBodyContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_layerBody; }
	 
		public LayerBodyContext() { }
		public void copyFrom(LayerBodyContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class GroupBodyContext extends LayerBodyContext {
		public TerminalNode LBRACKET() { return getToken(CnnBaseParser.LBRACKET, 0); }
		public List<LayerContext> layer() {
			return getRuleContexts(LayerContext.class);
		}
		public LayerContext layer(int i) {
			return getRuleContext(LayerContext.class,i);
		}
		public TerminalNode RBRACKET() { return getToken(CnnBaseParser.RBRACKET, 0); }
		public List<TerminalNode> ARROW() { return getTokens(CnnBaseParser.ARROW); }
		public TerminalNode ARROW(int i) {
			return getToken(CnnBaseParser.ARROW, i);
		}
		public GroupBodyContext(LayerBodyContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitGroupBody(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class RepeatBodyContext extends LayerBodyContext {
		public TerminalNode REPEAT() { return getToken(CnnBaseParser.REPEAT, 0); }
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public RepeatTargetContext repeatTarget() {
			return getRuleContext(RepeatTargetContext.class,0);
		}
		public TerminalNode AS() { return getToken(CnnBaseParser.AS, 0); }
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public RepeatBodyContext(LayerBodyContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitRepeatBody(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class CallBodyContext extends LayerBodyContext {
		public CallContext call() {
			return getRuleContext(CallContext.class,0);
		}
		public CallBodyContext(LayerBodyContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitCallBody(this);
			else return visitor.visitChildren(this);
		}
	}

	public final LayerBodyContext layerBody() throws RecognitionException {
		LayerBodyContext _localctx = new LayerBodyContext(_ctx, getState());
		enterRule(_localctx, 20, RULE_layerBody);
		int _la;
		try {
			setState(162);
			_errHandler.sync(this);
			switch (_input.LA(1)) {
			case REPEAT:
				_localctx = new RepeatBodyContext(_localctx);
				enterOuterAlt(_localctx, 1);
				{
				setState(142);
				match(REPEAT);
				setState(143);
				expr(0);
				setState(146);
				_errHandler.sync(this);
				_la = _input.LA(1);
				if (_la==AS) {
					{
					setState(144);
					match(AS);
					setState(145);
					match(IDENT);
					}
				}

				setState(148);
				repeatTarget();
				}
				break;
			case LBRACKET:
				_localctx = new GroupBodyContext(_localctx);
				enterOuterAlt(_localctx, 2);
				{
				setState(150);
				match(LBRACKET);
				setState(151);
				layer();
				setState(156);
				_errHandler.sync(this);
				_la = _input.LA(1);
				while (_la==ARROW) {
					{
					{
					setState(152);
					match(ARROW);
					setState(153);
					layer();
					}
					}
					setState(158);
					_errHandler.sync(this);
					_la = _input.LA(1);
				}
				setState(159);
				match(RBRACKET);
				}
				break;
			case IDENT:
				_localctx = new CallBodyContext(_localctx);
				enterOuterAlt(_localctx, 3);
				{
				setState(161);
				call();
				}
				break;
			default:
				throw new NoViableAltException(this);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class RepeatTargetContext extends ParserRuleContext {
		public RepeatTargetContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_repeatTarget; }
	 
		public RepeatTargetContext() { }
		public void copyFrom(RepeatTargetContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class RepeatCallContext extends RepeatTargetContext {
		public CallContext call() {
			return getRuleContext(CallContext.class,0);
		}
		public RepeatCallContext(RepeatTargetContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitRepeatCall(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class RepeatChainContext extends RepeatTargetContext {
		public TerminalNode LPAREN() { return getToken(CnnBaseParser.LPAREN, 0); }
		public List<LayerContext> layer() {
			return getRuleContexts(LayerContext.class);
		}
		public LayerContext layer(int i) {
			return getRuleContext(LayerContext.class,i);
		}
		public TerminalNode RPAREN() { return getToken(CnnBaseParser.RPAREN, 0); }
		public List<TerminalNode> ARROW() { return getTokens(CnnBaseParser.ARROW); }
		public TerminalNode ARROW(int i) {
			return getToken(CnnBaseParser.ARROW, i);
		}
		public RepeatChainContext(RepeatTargetContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitRepeatChain(this);
			else return visitor.visitChildren(this);
		}
	}

	public final RepeatTargetContext repeatTarget() throws RecognitionException {
		RepeatTargetContext _localctx = new RepeatTargetContext(_ctx, getState());
		enterRule(_localctx, 22, RULE_repeatTarget);
		int _la;
		try {
			setState(176);
			_errHandler.sync(this);
			switch (_input.LA(1)) {
			case IDENT:
				_localctx = new RepeatCallContext(_localctx);
				enterOuterAlt(_localctx, 1);
				{
				setState(164);
				call();
				}
				break;
			case LPAREN:
				_localctx = new RepeatChainContext(_localctx);
				enterOuterAlt(_localctx, 2);
				{
				setState(165);
				match(LPAREN);
				setState(166);
				layer();
				setState(171);
				_errHandler.sync(this);
				_la = _input.LA(1);
				while (_la==ARROW) {
					{
					{
					setState(167);
					match(ARROW);
					setState(168);
					layer();
					}
					}
					setState(173);
					_errHandler.sync(this);
					_la = _input.LA(1);
				}
				setState(174);
				match(RPAREN);
				}
				break;
			default:
				throw new NoViableAltException(this);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class CallContext extends ParserRuleContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode LPAREN() { return getToken(CnnBaseParser.LPAREN, 0); }
		public TerminalNode RPAREN() { return getToken(CnnBaseParser.RPAREN, 0); }
		public List<ArgumentContext> argument() {
			return getRuleContexts(ArgumentContext.class);
		}
		public ArgumentContext argument(int i) {
			return getRuleContext(ArgumentContext.class,i);
		}
		public List<TerminalNode> COMMA() { return getTokens(CnnBaseParser.COMMA); }
		public TerminalNode COMMA(int i) {
			return getToken(CnnBaseParser.COMMA, i);
		}
		public CallContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_call; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitCall(this);
			else return visitor.visitChildren(this);
		}
	}

	public final CallContext call() throws RecognitionException {
		CallContext _localctx = new CallContext(_ctx, getState());
		enterRule(_localctx, 24, RULE_call);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(178);
			match(IDENT);
			setState(191);
			_errHandler.sync(this);
			_la = _input.LA(1);
			if (_la==LPAREN) {
				{
				setState(179);
				match(LPAREN);
				setState(188);
				_errHandler.sync(this);
				_la = _input.LA(1);
				if ((((_la) & ~0x3f) == 0 && ((1L << _la) & 52261430551552L) != 0)) {
					{
					setState(180);
					argument();
					setState(185);
					_errHandler.sync(this);
					_la = _input.LA(1);
					while (_la==COMMA) {
						{
						{
						setState(181);
						match(COMMA);
						setState(182);
						argument();
						}
						}
						setState(187);
						_errHandler.sync(this);
						_la = _input.LA(1);
					}
					}
				}

				setState(190);
				match(RPAREN);
				}
			}

			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ArgumentContext extends ParserRuleContext {
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public TerminalNode ASSIGN() { return getToken(CnnBaseParser.ASSIGN, 0); }
		public ArgumentContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_argument; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitArgument(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ArgumentContext argument() throws RecognitionException {
		ArgumentContext _localctx = new ArgumentContext(_ctx, getState());
		enterRule(_localctx, 26, RULE_argument);
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(195);
			_errHandler.sync(this);
			switch ( getInterpreter().adaptivePredict(_input,23,_ctx) ) {
			case 1:
				{
				setState(193);
				match(IDENT);
				setState(194);
				match(ASSIGN);
				}
				break;
			}
			setState(197);
			expr(0);
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ShapeAssertionContext extends ParserRuleContext {
		public TerminalNode COLON() { return getToken(CnnBaseParser.COLON, 0); }
		public ShapeContext shape() {
			return getRuleContext(ShapeContext.class,0);
		}
		public ShapeAssertionContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_shapeAssertion; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitShapeAssertion(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ShapeAssertionContext shapeAssertion() throws RecognitionException {
		ShapeAssertionContext _localctx = new ShapeAssertionContext(_ctx, getState());
		enterRule(_localctx, 28, RULE_shapeAssertion);
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(199);
			match(COLON);
			setState(200);
			shape();
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ShapeContext extends ParserRuleContext {
		public TerminalNode SHAPE() { return getToken(CnnBaseParser.SHAPE, 0); }
		public TerminalNode INT() { return getToken(CnnBaseParser.INT, 0); }
		public ShapeContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_shape; }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitShape(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ShapeContext shape() throws RecognitionException {
		ShapeContext _localctx = new ShapeContext(_ctx, getState());
		enterRule(_localctx, 30, RULE_shape);
		int _la;
		try {
			enterOuterAlt(_localctx, 1);
			{
			setState(202);
			_la = _input.LA(1);
			if ( !(_la==SHAPE || _la==INT) ) {
			_errHandler.recoverInline(this);
			}
			else {
				if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
				_errHandler.reportMatch(this);
				consume();
			}
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			exitRule();
		}
		return _localctx;
	}

	@SuppressWarnings("CheckReturnValue")
	public static class ExprContext extends ParserRuleContext {
		public ExprContext(ParserRuleContext parent, int invokingState) {
			super(parent, invokingState);
		}
		@Override public int getRuleIndex() { return RULE_expr; }
	 
		public ExprContext() { }
		public void copyFrom(ExprContext ctx) {
			super.copyFrom(ctx);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class NameReferenceContext extends ExprContext {
		public TerminalNode IDENT() { return getToken(CnnBaseParser.IDENT, 0); }
		public NameReferenceContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitNameReference(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class IntLiteralContext extends ExprContext {
		public TerminalNode INT() { return getToken(CnnBaseParser.INT, 0); }
		public IntLiteralContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitIntLiteral(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class OrExprContext extends ExprContext {
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode OR() { return getToken(CnnBaseParser.OR, 0); }
		public OrExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitOrExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class AdditiveExprContext extends ExprContext {
		public Token op;
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode PLUS() { return getToken(CnnBaseParser.PLUS, 0); }
		public TerminalNode MINUS() { return getToken(CnnBaseParser.MINUS, 0); }
		public AdditiveExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitAdditiveExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class RelationalExprContext extends ExprContext {
		public Token op;
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode LT() { return getToken(CnnBaseParser.LT, 0); }
		public TerminalNode LE() { return getToken(CnnBaseParser.LE, 0); }
		public TerminalNode GT() { return getToken(CnnBaseParser.GT, 0); }
		public TerminalNode GE() { return getToken(CnnBaseParser.GE, 0); }
		public RelationalExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitRelationalExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class BoolLiteralContext extends ExprContext {
		public TerminalNode TRUE() { return getToken(CnnBaseParser.TRUE, 0); }
		public TerminalNode FALSE() { return getToken(CnnBaseParser.FALSE, 0); }
		public BoolLiteralContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitBoolLiteral(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ParenExprContext extends ExprContext {
		public TerminalNode LPAREN() { return getToken(CnnBaseParser.LPAREN, 0); }
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public TerminalNode RPAREN() { return getToken(CnnBaseParser.RPAREN, 0); }
		public ParenExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitParenExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class InReferenceContext extends ExprContext {
		public TerminalNode IN() { return getToken(CnnBaseParser.IN, 0); }
		public InReferenceContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitInReference(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class UnaryExprContext extends ExprContext {
		public Token op;
		public ExprContext expr() {
			return getRuleContext(ExprContext.class,0);
		}
		public TerminalNode MINUS() { return getToken(CnnBaseParser.MINUS, 0); }
		public TerminalNode BANG() { return getToken(CnnBaseParser.BANG, 0); }
		public UnaryExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitUnaryExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class StringLiteralContext extends ExprContext {
		public TerminalNode STRING() { return getToken(CnnBaseParser.STRING, 0); }
		public StringLiteralContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitStringLiteral(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class FloatLiteralContext extends ExprContext {
		public TerminalNode FLOAT() { return getToken(CnnBaseParser.FLOAT, 0); }
		public FloatLiteralContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitFloatLiteral(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class TupleExprContext extends ExprContext {
		public TerminalNode LPAREN() { return getToken(CnnBaseParser.LPAREN, 0); }
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode RPAREN() { return getToken(CnnBaseParser.RPAREN, 0); }
		public List<TerminalNode> COMMA() { return getTokens(CnnBaseParser.COMMA); }
		public TerminalNode COMMA(int i) {
			return getToken(CnnBaseParser.COMMA, i);
		}
		public TupleExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitTupleExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class DimsLiteralContext extends ExprContext {
		public TerminalNode SHAPE() { return getToken(CnnBaseParser.SHAPE, 0); }
		public DimsLiteralContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitDimsLiteral(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class MultiplicativeExprContext extends ExprContext {
		public Token op;
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode STAR() { return getToken(CnnBaseParser.STAR, 0); }
		public TerminalNode SLASH() { return getToken(CnnBaseParser.SLASH, 0); }
		public TerminalNode PERCENT() { return getToken(CnnBaseParser.PERCENT, 0); }
		public MultiplicativeExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitMultiplicativeExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class ConditionalExprContext extends ExprContext {
		public TerminalNode IF() { return getToken(CnnBaseParser.IF, 0); }
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode THEN() { return getToken(CnnBaseParser.THEN, 0); }
		public TerminalNode ELSE() { return getToken(CnnBaseParser.ELSE, 0); }
		public ConditionalExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitConditionalExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class EqualityExprContext extends ExprContext {
		public Token op;
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode EQ() { return getToken(CnnBaseParser.EQ, 0); }
		public TerminalNode NE() { return getToken(CnnBaseParser.NE, 0); }
		public EqualityExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitEqualityExpr(this);
			else return visitor.visitChildren(this);
		}
	}
	@SuppressWarnings("CheckReturnValue")
	public static class AndExprContext extends ExprContext {
		public List<ExprContext> expr() {
			return getRuleContexts(ExprContext.class);
		}
		public ExprContext expr(int i) {
			return getRuleContext(ExprContext.class,i);
		}
		public TerminalNode AND() { return getToken(CnnBaseParser.AND, 0); }
		public AndExprContext(ExprContext ctx) { copyFrom(ctx); }
		@Override
		public <T> T accept(ParseTreeVisitor<? extends T> visitor) {
			if ( visitor instanceof CnnBaseVisitor ) return ((CnnBaseVisitor<? extends T>)visitor).visitAndExpr(this);
			else return visitor.visitChildren(this);
		}
	}

	public final ExprContext expr() throws RecognitionException {
		return expr(0);
	}

	private ExprContext expr(int _p) throws RecognitionException {
		ParserRuleContext _parentctx = _ctx;
		int _parentState = getState();
		ExprContext _localctx = new ExprContext(_ctx, _parentState);
		ExprContext _prevctx = _localctx;
		int _startState = 32;
		enterRecursionRule(_localctx, 32, RULE_expr, _p);
		int _la;
		try {
			int _alt;
			enterOuterAlt(_localctx, 1);
			{
			setState(235);
			_errHandler.sync(this);
			switch ( getInterpreter().adaptivePredict(_input,25,_ctx) ) {
			case 1:
				{
				_localctx = new ParenExprContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;

				setState(205);
				match(LPAREN);
				setState(206);
				expr(0);
				setState(207);
				match(RPAREN);
				}
				break;
			case 2:
				{
				_localctx = new TupleExprContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(209);
				match(LPAREN);
				setState(210);
				expr(0);
				setState(213); 
				_errHandler.sync(this);
				_la = _input.LA(1);
				do {
					{
					{
					setState(211);
					match(COMMA);
					setState(212);
					expr(0);
					}
					}
					setState(215); 
					_errHandler.sync(this);
					_la = _input.LA(1);
				} while ( _la==COMMA );
				setState(217);
				match(RPAREN);
				}
				break;
			case 3:
				{
				_localctx = new UnaryExprContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(219);
				((UnaryExprContext)_localctx).op = _input.LT(1);
				_la = _input.LA(1);
				if ( !(_la==MINUS || _la==BANG) ) {
					((UnaryExprContext)_localctx).op = (Token)_errHandler.recoverInline(this);
				}
				else {
					if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
					_errHandler.reportMatch(this);
					consume();
				}
				setState(220);
				expr(15);
				}
				break;
			case 4:
				{
				_localctx = new ConditionalExprContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(221);
				match(IF);
				setState(222);
				expr(0);
				setState(223);
				match(THEN);
				setState(224);
				expr(0);
				setState(225);
				match(ELSE);
				setState(226);
				expr(8);
				}
				break;
			case 5:
				{
				_localctx = new IntLiteralContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(228);
				match(INT);
				}
				break;
			case 6:
				{
				_localctx = new FloatLiteralContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(229);
				match(FLOAT);
				}
				break;
			case 7:
				{
				_localctx = new DimsLiteralContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(230);
				match(SHAPE);
				}
				break;
			case 8:
				{
				_localctx = new BoolLiteralContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(231);
				_la = _input.LA(1);
				if ( !(_la==TRUE || _la==FALSE) ) {
				_errHandler.recoverInline(this);
				}
				else {
					if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
					_errHandler.reportMatch(this);
					consume();
				}
				}
				break;
			case 9:
				{
				_localctx = new StringLiteralContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(232);
				match(STRING);
				}
				break;
			case 10:
				{
				_localctx = new InReferenceContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(233);
				match(IN);
				}
				break;
			case 11:
				{
				_localctx = new NameReferenceContext(_localctx);
				_ctx = _localctx;
				_prevctx = _localctx;
				setState(234);
				match(IDENT);
				}
				break;
			}
			_ctx.stop = _input.LT(-1);
			setState(257);
			_errHandler.sync(this);
			_alt = getInterpreter().adaptivePredict(_input,27,_ctx);
			while ( _alt!=2 && _alt!=org.antlr.v4.runtime.atn.ATN.INVALID_ALT_NUMBER ) {
				if ( _alt==1 ) {
					if ( _parseListeners!=null ) triggerExitRuleEvent();
					_prevctx = _localctx;
					{
					setState(255);
					_errHandler.sync(this);
					switch ( getInterpreter().adaptivePredict(_input,26,_ctx) ) {
					case 1:
						{
						_localctx = new MultiplicativeExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(237);
						if (!(precpred(_ctx, 14))) throw new FailedPredicateException(this, "precpred(_ctx, 14)");
						setState(238);
						((MultiplicativeExprContext)_localctx).op = _input.LT(1);
						_la = _input.LA(1);
						if ( !((((_la) & ~0x3f) == 0 && ((1L << _la) & 481036337152L) != 0)) ) {
							((MultiplicativeExprContext)_localctx).op = (Token)_errHandler.recoverInline(this);
						}
						else {
							if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
							_errHandler.reportMatch(this);
							consume();
						}
						setState(239);
						expr(15);
						}
						break;
					case 2:
						{
						_localctx = new AdditiveExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(240);
						if (!(precpred(_ctx, 13))) throw new FailedPredicateException(this, "precpred(_ctx, 13)");
						setState(241);
						((AdditiveExprContext)_localctx).op = _input.LT(1);
						_la = _input.LA(1);
						if ( !(_la==PLUS || _la==MINUS) ) {
							((AdditiveExprContext)_localctx).op = (Token)_errHandler.recoverInline(this);
						}
						else {
							if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
							_errHandler.reportMatch(this);
							consume();
						}
						setState(242);
						expr(14);
						}
						break;
					case 3:
						{
						_localctx = new RelationalExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(243);
						if (!(precpred(_ctx, 12))) throw new FailedPredicateException(this, "precpred(_ctx, 12)");
						setState(244);
						((RelationalExprContext)_localctx).op = _input.LT(1);
						_la = _input.LA(1);
						if ( !((((_la) & ~0x3f) == 0 && ((1L << _la) & 25559040L) != 0)) ) {
							((RelationalExprContext)_localctx).op = (Token)_errHandler.recoverInline(this);
						}
						else {
							if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
							_errHandler.reportMatch(this);
							consume();
						}
						setState(245);
						expr(13);
						}
						break;
					case 4:
						{
						_localctx = new EqualityExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(246);
						if (!(precpred(_ctx, 11))) throw new FailedPredicateException(this, "precpred(_ctx, 11)");
						setState(247);
						((EqualityExprContext)_localctx).op = _input.LT(1);
						_la = _input.LA(1);
						if ( !(_la==EQ || _la==NE) ) {
							((EqualityExprContext)_localctx).op = (Token)_errHandler.recoverInline(this);
						}
						else {
							if ( _input.LA(1)==Token.EOF ) matchedEOF = true;
							_errHandler.reportMatch(this);
							consume();
						}
						setState(248);
						expr(12);
						}
						break;
					case 5:
						{
						_localctx = new AndExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(249);
						if (!(precpred(_ctx, 10))) throw new FailedPredicateException(this, "precpred(_ctx, 10)");
						setState(250);
						match(AND);
						setState(251);
						expr(11);
						}
						break;
					case 6:
						{
						_localctx = new OrExprContext(new ExprContext(_parentctx, _parentState));
						pushNewRecursionContext(_localctx, _startState, RULE_expr);
						setState(252);
						if (!(precpred(_ctx, 9))) throw new FailedPredicateException(this, "precpred(_ctx, 9)");
						setState(253);
						match(OR);
						setState(254);
						expr(10);
						}
						break;
					}
					} 
				}
				setState(259);
				_errHandler.sync(this);
				_alt = getInterpreter().adaptivePredict(_input,27,_ctx);
			}
			}
		}
		catch (RecognitionException re) {
			_localctx.exception = re;
			_errHandler.reportError(this, re);
			_errHandler.recover(this, re);
		}
		finally {
			unrollRecursionContexts(_parentctx);
		}
		return _localctx;
	}

	public boolean sempred(RuleContext _localctx, int ruleIndex, int predIndex) {
		switch (ruleIndex) {
		case 16:
			return expr_sempred((ExprContext)_localctx, predIndex);
		}
		return true;
	}
	private boolean expr_sempred(ExprContext _localctx, int predIndex) {
		switch (predIndex) {
		case 0:
			return precpred(_ctx, 14);
		case 1:
			return precpred(_ctx, 13);
		case 2:
			return precpred(_ctx, 12);
		case 3:
			return precpred(_ctx, 11);
		case 4:
			return precpred(_ctx, 10);
		case 5:
			return precpred(_ctx, 9);
		}
		return true;
	}

	public static final String _serializedATN =
		"\u0004\u00012\u0105\u0002\u0000\u0007\u0000\u0002\u0001\u0007\u0001\u0002"+
		"\u0002\u0007\u0002\u0002\u0003\u0007\u0003\u0002\u0004\u0007\u0004\u0002"+
		"\u0005\u0007\u0005\u0002\u0006\u0007\u0006\u0002\u0007\u0007\u0007\u0002"+
		"\b\u0007\b\u0002\t\u0007\t\u0002\n\u0007\n\u0002\u000b\u0007\u000b\u0002"+
		"\f\u0007\f\u0002\r\u0007\r\u0002\u000e\u0007\u000e\u0002\u000f\u0007\u000f"+
		"\u0002\u0010\u0007\u0010\u0001\u0000\u0003\u0000$\b\u0000\u0001\u0000"+
		"\u0005\u0000\'\b\u0000\n\u0000\f\u0000*\t\u0000\u0001\u0000\u0005\u0000"+
		"-\b\u0000\n\u0000\f\u00000\t\u0000\u0001\u0000\u0001\u0000\u0001\u0001"+
		"\u0001\u0001\u0001\u0001\u0001\u0002\u0001\u0002\u0001\u0002\u0001\u0003"+
		"\u0001\u0003\u0001\u0003\u0001\u0003\u0001\u0003\u0001\u0003\u0003\u0003"+
		"@\b\u0003\u0001\u0003\u0001\u0003\u0001\u0003\u0001\u0003\u0003\u0003"+
		"F\b\u0003\u0001\u0003\u0001\u0003\u0001\u0003\u0003\u0003K\b\u0003\u0001"+
		"\u0004\u0001\u0004\u0001\u0004\u0001\u0004\u0001\u0004\u0001\u0004\u0005"+
		"\u0004S\b\u0004\n\u0004\f\u0004V\t\u0004\u0003\u0004X\b\u0004\u0001\u0004"+
		"\u0001\u0004\u0001\u0004\u0005\u0004]\b\u0004\n\u0004\f\u0004`\t\u0004"+
		"\u0001\u0004\u0001\u0004\u0001\u0005\u0001\u0005\u0001\u0005\u0003\u0005"+
		"g\b\u0005\u0001\u0006\u0001\u0006\u0001\u0006\u0001\u0006\u0001\u0006"+
		"\u0003\u0006n\b\u0006\u0001\u0007\u0001\u0007\u0001\u0007\u0005\u0007"+
		"s\b\u0007\n\u0007\f\u0007v\t\u0007\u0001\b\u0001\b\u0001\b\u0001\b\u0001"+
		"\b\u0001\b\u0001\b\u0001\b\u0001\b\u0001\b\u0001\b\u0001\b\u0001\b\u0003"+
		"\b\u0085\b\b\u0001\t\u0001\t\u0003\t\u0089\b\t\u0001\t\u0001\t\u0003\t"+
		"\u008d\b\t\u0001\n\u0001\n\u0001\n\u0001\n\u0003\n\u0093\b\n\u0001\n\u0001"+
		"\n\u0001\n\u0001\n\u0001\n\u0001\n\u0005\n\u009b\b\n\n\n\f\n\u009e\t\n"+
		"\u0001\n\u0001\n\u0001\n\u0003\n\u00a3\b\n\u0001\u000b\u0001\u000b\u0001"+
		"\u000b\u0001\u000b\u0001\u000b\u0005\u000b\u00aa\b\u000b\n\u000b\f\u000b"+
		"\u00ad\t\u000b\u0001\u000b\u0001\u000b\u0003\u000b\u00b1\b\u000b\u0001"+
		"\f\u0001\f\u0001\f\u0001\f\u0001\f\u0005\f\u00b8\b\f\n\f\f\f\u00bb\t\f"+
		"\u0003\f\u00bd\b\f\u0001\f\u0003\f\u00c0\b\f\u0001\r\u0001\r\u0003\r\u00c4"+
		"\b\r\u0001\r\u0001\r\u0001\u000e\u0001\u000e\u0001\u000e\u0001\u000f\u0001"+
		"\u000f\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0004\u0010\u00d6\b\u0010\u000b"+
		"\u0010\f\u0010\u00d7\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0003\u0010\u00ec\b\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0001"+
		"\u0010\u0001\u0010\u0001\u0010\u0001\u0010\u0005\u0010\u0100\b\u0010\n"+
		"\u0010\f\u0010\u0103\t\u0010\u0001\u0010\u0000\u0001 \u0011\u0000\u0002"+
		"\u0004\u0006\b\n\f\u000e\u0010\u0012\u0014\u0016\u0018\u001a\u001c\u001e"+
		" \u0000\u0007\u0002\u0000((**\u0002\u0000##\'\'\u0001\u0000\r\u000e\u0001"+
		"\u0000$&\u0001\u0000\"#\u0002\u0000\u0011\u0012\u0017\u0018\u0001\u0000"+
		"\u0013\u0014\u0121\u0000#\u0001\u0000\u0000\u0000\u00023\u0001\u0000\u0000"+
		"\u0000\u00046\u0001\u0000\u0000\u0000\u0006J\u0001\u0000\u0000\u0000\b"+
		"L\u0001\u0000\u0000\u0000\nc\u0001\u0000\u0000\u0000\fm\u0001\u0000\u0000"+
		"\u0000\u000eo\u0001\u0000\u0000\u0000\u0010\u0084\u0001\u0000\u0000\u0000"+
		"\u0012\u0088\u0001\u0000\u0000\u0000\u0014\u00a2\u0001\u0000\u0000\u0000"+
		"\u0016\u00b0\u0001\u0000\u0000\u0000\u0018\u00b2\u0001\u0000\u0000\u0000"+
		"\u001a\u00c3\u0001\u0000\u0000\u0000\u001c\u00c7\u0001\u0000\u0000\u0000"+
		"\u001e\u00ca\u0001\u0000\u0000\u0000 \u00eb\u0001\u0000\u0000\u0000\""+
		"$\u0003\u0002\u0001\u0000#\"\u0001\u0000\u0000\u0000#$\u0001\u0000\u0000"+
		"\u0000$(\u0001\u0000\u0000\u0000%\'\u0003\u0004\u0002\u0000&%\u0001\u0000"+
		"\u0000\u0000\'*\u0001\u0000\u0000\u0000(&\u0001\u0000\u0000\u0000()\u0001"+
		"\u0000\u0000\u0000).\u0001\u0000\u0000\u0000*(\u0001\u0000\u0000\u0000"+
		"+-\u0003\u0006\u0003\u0000,+\u0001\u0000\u0000\u0000-0\u0001\u0000\u0000"+
		"\u0000.,\u0001\u0000\u0000\u0000./\u0001\u0000\u0000\u0000/1\u0001\u0000"+
		"\u0000\u00000.\u0001\u0000\u0000\u000012\u0005\u0000\u0000\u00012\u0001"+
		"\u0001\u0000\u0000\u000034\u0005\u0001\u0000\u000045\u0005-\u0000\u0000"+
		"5\u0003\u0001\u0000\u0000\u000067\u0005\u0002\u0000\u000078\u0005+\u0000"+
		"\u00008\u0005\u0001\u0000\u0000\u00009K\u0003\b\u0004\u0000:;\u0005\u0003"+
		"\u0000\u0000;<\u0005-\u0000\u0000<=\u0005\u001a\u0000\u0000=K\u0003\u001e"+
		"\u000f\u0000>@\u0005\u0005\u0000\u0000?>\u0001\u0000\u0000\u0000?@\u0001"+
		"\u0000\u0000\u0000@A\u0001\u0000\u0000\u0000AB\u0005\u0004\u0000\u0000"+
		"BE\u0005-\u0000\u0000CD\u0005\u0019\u0000\u0000DF\u0003\u000e\u0007\u0000"+
		"EC\u0001\u0000\u0000\u0000EF\u0001\u0000\u0000\u0000FK\u0001\u0000\u0000"+
		"\u0000GH\u0005-\u0000\u0000HI\u0005\u0019\u0000\u0000IK\u0003\u000e\u0007"+
		"\u0000J9\u0001\u0000\u0000\u0000J:\u0001\u0000\u0000\u0000J?\u0001\u0000"+
		"\u0000\u0000JG\u0001\u0000\u0000\u0000K\u0007\u0001\u0000\u0000\u0000"+
		"LM\u0005\u0006\u0000\u0000MN\u0005-\u0000\u0000NW\u0005\u001c\u0000\u0000"+
		"OT\u0003\n\u0005\u0000PQ\u0005\u001b\u0000\u0000QS\u0003\n\u0005\u0000"+
		"RP\u0001\u0000\u0000\u0000SV\u0001\u0000\u0000\u0000TR\u0001\u0000\u0000"+
		"\u0000TU\u0001\u0000\u0000\u0000UX\u0001\u0000\u0000\u0000VT\u0001\u0000"+
		"\u0000\u0000WO\u0001\u0000\u0000\u0000WX\u0001\u0000\u0000\u0000XY\u0001"+
		"\u0000\u0000\u0000YZ\u0005\u001d\u0000\u0000Z^\u0005\u001e\u0000\u0000"+
		"[]\u0003\f\u0006\u0000\\[\u0001\u0000\u0000\u0000]`\u0001\u0000\u0000"+
		"\u0000^\\\u0001\u0000\u0000\u0000^_\u0001\u0000\u0000\u0000_a\u0001\u0000"+
		"\u0000\u0000`^\u0001\u0000\u0000\u0000ab\u0005\u001f\u0000\u0000b\t\u0001"+
		"\u0000\u0000\u0000cf\u0005-\u0000\u0000de\u0005\u0019\u0000\u0000eg\u0003"+
		" \u0010\u0000fd\u0001\u0000\u0000\u0000fg\u0001\u0000\u0000\u0000g\u000b"+
		"\u0001\u0000\u0000\u0000hi\u0005-\u0000\u0000ij\u0005\u0019\u0000\u0000"+
		"jn\u0003\u000e\u0007\u0000kl\u0005\u0007\u0000\u0000ln\u0003\u000e\u0007"+
		"\u0000mh\u0001\u0000\u0000\u0000mk\u0001\u0000\u0000\u0000n\r\u0001\u0000"+
		"\u0000\u0000ot\u0003\u0010\b\u0000pq\u0005\u0010\u0000\u0000qs\u0003\u0012"+
		"\t\u0000rp\u0001\u0000\u0000\u0000sv\u0001\u0000\u0000\u0000tr\u0001\u0000"+
		"\u0000\u0000tu\u0001\u0000\u0000\u0000u\u000f\u0001\u0000\u0000\u0000"+
		"vt\u0001\u0000\u0000\u0000wx\u0005\n\u0000\u0000xy\u0003 \u0010\u0000"+
		"yz\u0005\u001e\u0000\u0000z{\u0003\u000e\u0007\u0000{|\u0005\u001f\u0000"+
		"\u0000|}\u0005\f\u0000\u0000}~\u0005\u001e\u0000\u0000~\u007f\u0003\u000e"+
		"\u0007\u0000\u007f\u0080\u0005\u001f\u0000\u0000\u0080\u0085\u0001\u0000"+
		"\u0000\u0000\u0081\u0085\u0005\u000f\u0000\u0000\u0082\u0085\u0005-\u0000"+
		"\u0000\u0083\u0085\u0003\u0012\t\u0000\u0084w\u0001\u0000\u0000\u0000"+
		"\u0084\u0081\u0001\u0000\u0000\u0000\u0084\u0082\u0001\u0000\u0000\u0000"+
		"\u0084\u0083\u0001\u0000\u0000\u0000\u0085\u0011\u0001\u0000\u0000\u0000"+
		"\u0086\u0087\u0005-\u0000\u0000\u0087\u0089\u0005\u001a\u0000\u0000\u0088"+
		"\u0086\u0001\u0000\u0000\u0000\u0088\u0089\u0001\u0000\u0000\u0000\u0089"+
		"\u008a\u0001\u0000\u0000\u0000\u008a\u008c\u0003\u0014\n\u0000\u008b\u008d"+
		"\u0003\u001c\u000e\u0000\u008c\u008b\u0001\u0000\u0000\u0000\u008c\u008d"+
		"\u0001\u0000\u0000\u0000\u008d\u0013\u0001\u0000\u0000\u0000\u008e\u008f"+
		"\u0005\b\u0000\u0000\u008f\u0092\u0003 \u0010\u0000\u0090\u0091\u0005"+
		"\t\u0000\u0000\u0091\u0093\u0005-\u0000\u0000\u0092\u0090\u0001\u0000"+
		"\u0000\u0000\u0092\u0093\u0001\u0000\u0000\u0000\u0093\u0094\u0001\u0000"+
		"\u0000\u0000\u0094\u0095\u0003\u0016\u000b\u0000\u0095\u00a3\u0001\u0000"+
		"\u0000\u0000\u0096\u0097\u0005 \u0000\u0000\u0097\u009c\u0003\u0012\t"+
		"\u0000\u0098\u0099\u0005\u0010\u0000\u0000\u0099\u009b\u0003\u0012\t\u0000"+
		"\u009a\u0098\u0001\u0000\u0000\u0000\u009b\u009e\u0001\u0000\u0000\u0000"+
		"\u009c\u009a\u0001\u0000\u0000\u0000\u009c\u009d\u0001\u0000\u0000\u0000"+
		"\u009d\u009f\u0001\u0000\u0000\u0000\u009e\u009c\u0001\u0000\u0000\u0000"+
		"\u009f\u00a0\u0005!\u0000\u0000\u00a0\u00a3\u0001\u0000\u0000\u0000\u00a1"+
		"\u00a3\u0003\u0018\f\u0000\u00a2\u008e\u0001\u0000\u0000\u0000\u00a2\u0096"+
		"\u0001\u0000\u0000\u0000\u00a2\u00a1\u0001\u0000\u0000\u0000\u00a3\u0015"+
		"\u0001\u0000\u0000\u0000\u00a4\u00b1\u0003\u0018\f\u0000\u00a5\u00a6\u0005"+
		"\u001c\u0000\u0000\u00a6\u00ab\u0003\u0012\t\u0000\u00a7\u00a8\u0005\u0010"+
		"\u0000\u0000\u00a8\u00aa\u0003\u0012\t\u0000\u00a9\u00a7\u0001\u0000\u0000"+
		"\u0000\u00aa\u00ad\u0001\u0000\u0000\u0000\u00ab\u00a9\u0001\u0000\u0000"+
		"\u0000\u00ab\u00ac\u0001\u0000\u0000\u0000\u00ac\u00ae\u0001\u0000\u0000"+
		"\u0000\u00ad\u00ab\u0001\u0000\u0000\u0000\u00ae\u00af\u0005\u001d\u0000"+
		"\u0000\u00af\u00b1\u0001\u0000\u0000\u0000\u00b0\u00a4\u0001\u0000\u0000"+
		"\u0000\u00b0\u00a5\u0001\u0000\u0000\u0000\u00b1\u0017\u0001\u0000\u0000"+
		"\u0000\u00b2\u00bf\u0005-\u0000\u0000\u00b3\u00bc\u0005\u001c\u0000\u0000"+
		"\u00b4\u00b9\u0003\u001a\r\u0000\u00b5\u00b6\u0005\u001b\u0000\u0000\u00b6"+
		"\u00b8\u0003\u001a\r\u0000\u00b7\u00b5\u0001\u0000\u0000\u0000\u00b8\u00bb"+
		"\u0001\u0000\u0000\u0000\u00b9\u00b7\u0001\u0000\u0000\u0000\u00b9\u00ba"+
		"\u0001\u0000\u0000\u0000\u00ba\u00bd\u0001\u0000\u0000\u0000\u00bb\u00b9"+
		"\u0001\u0000\u0000\u0000\u00bc\u00b4\u0001\u0000\u0000\u0000\u00bc\u00bd"+
		"\u0001\u0000\u0000\u0000\u00bd\u00be\u0001\u0000\u0000\u0000\u00be\u00c0"+
		"\u0005\u001d\u0000\u0000\u00bf\u00b3\u0001\u0000\u0000\u0000\u00bf\u00c0"+
		"\u0001\u0000\u0000\u0000\u00c0\u0019\u0001\u0000\u0000\u0000\u00c1\u00c2"+
		"\u0005-\u0000\u0000\u00c2\u00c4\u0005\u0019\u0000\u0000\u00c3\u00c1\u0001"+
		"\u0000\u0000\u0000\u00c3\u00c4\u0001\u0000\u0000\u0000\u00c4\u00c5\u0001"+
		"\u0000\u0000\u0000\u00c5\u00c6\u0003 \u0010\u0000\u00c6\u001b\u0001\u0000"+
		"\u0000\u0000\u00c7\u00c8\u0005\u001a\u0000\u0000\u00c8\u00c9\u0003\u001e"+
		"\u000f\u0000\u00c9\u001d\u0001\u0000\u0000\u0000\u00ca\u00cb\u0007\u0000"+
		"\u0000\u0000\u00cb\u001f\u0001\u0000\u0000\u0000\u00cc\u00cd\u0006\u0010"+
		"\uffff\uffff\u0000\u00cd\u00ce\u0005\u001c\u0000\u0000\u00ce\u00cf\u0003"+
		" \u0010\u0000\u00cf\u00d0\u0005\u001d\u0000\u0000\u00d0\u00ec\u0001\u0000"+
		"\u0000\u0000\u00d1\u00d2\u0005\u001c\u0000\u0000\u00d2\u00d5\u0003 \u0010"+
		"\u0000\u00d3\u00d4\u0005\u001b\u0000\u0000\u00d4\u00d6\u0003 \u0010\u0000"+
		"\u00d5\u00d3\u0001\u0000\u0000\u0000\u00d6\u00d7\u0001\u0000\u0000\u0000"+
		"\u00d7\u00d5\u0001\u0000\u0000\u0000\u00d7\u00d8\u0001\u0000\u0000\u0000"+
		"\u00d8\u00d9\u0001\u0000\u0000\u0000\u00d9\u00da\u0005\u001d\u0000\u0000"+
		"\u00da\u00ec\u0001\u0000\u0000\u0000\u00db\u00dc\u0007\u0001\u0000\u0000"+
		"\u00dc\u00ec\u0003 \u0010\u000f\u00dd\u00de\u0005\n\u0000\u0000\u00de"+
		"\u00df\u0003 \u0010\u0000\u00df\u00e0\u0005\u000b\u0000\u0000\u00e0\u00e1"+
		"\u0003 \u0010\u0000\u00e1\u00e2\u0005\f\u0000\u0000\u00e2\u00e3\u0003"+
		" \u0010\b\u00e3\u00ec\u0001\u0000\u0000\u0000\u00e4\u00ec\u0005*\u0000"+
		"\u0000\u00e5\u00ec\u0005)\u0000\u0000\u00e6\u00ec\u0005(\u0000\u0000\u00e7"+
		"\u00ec\u0007\u0002\u0000\u0000\u00e8\u00ec\u0005+\u0000\u0000\u00e9\u00ec"+
		"\u0005\u000f\u0000\u0000\u00ea\u00ec\u0005-\u0000\u0000\u00eb\u00cc\u0001"+
		"\u0000\u0000\u0000\u00eb\u00d1\u0001\u0000\u0000\u0000\u00eb\u00db\u0001"+
		"\u0000\u0000\u0000\u00eb\u00dd\u0001\u0000\u0000\u0000\u00eb\u00e4\u0001"+
		"\u0000\u0000\u0000\u00eb\u00e5\u0001\u0000\u0000\u0000\u00eb\u00e6\u0001"+
		"\u0000\u0000\u0000\u00eb\u00e7\u0001\u0000\u0000\u0000\u00eb\u00e8\u0001"+
		"\u0000\u0000\u0000\u00eb\u00e9\u0001\u0000\u0000\u0000\u00eb\u00ea\u0001"+
		"\u0000\u0000\u0000\u00ec\u0101\u0001\u0000\u0000\u0000\u00ed\u00ee\n\u000e"+
		"\u0000\u0000\u00ee\u00ef\u0007\u0003\u0000\u0000\u00ef\u0100\u0003 \u0010"+
		"\u000f\u00f0\u00f1\n\r\u0000\u0000\u00f1\u00f2\u0007\u0004\u0000\u0000"+
		"\u00f2\u0100\u0003 \u0010\u000e\u00f3\u00f4\n\f\u0000\u0000\u00f4\u00f5"+
		"\u0007\u0005\u0000\u0000\u00f5\u0100\u0003 \u0010\r\u00f6\u00f7\n\u000b"+
		"\u0000\u0000\u00f7\u00f8\u0007\u0006\u0000\u0000\u00f8\u0100\u0003 \u0010"+
		"\f\u00f9\u00fa\n\n\u0000\u0000\u00fa\u00fb\u0005\u0015\u0000\u0000\u00fb"+
		"\u0100\u0003 \u0010\u000b\u00fc\u00fd\n\t\u0000\u0000\u00fd\u00fe\u0005"+
		"\u0016\u0000\u0000\u00fe\u0100\u0003 \u0010\n\u00ff\u00ed\u0001\u0000"+
		"\u0000\u0000\u00ff\u00f0\u0001\u0000\u0000\u0000\u00ff\u00f3\u0001\u0000"+
		"\u0000\u0000\u00ff\u00f6\u0001\u0000\u0000\u0000\u00ff\u00f9\u0001\u0000"+
		"\u0000\u0000\u00ff\u00fc\u0001\u0000\u0000\u0000\u0100\u0103\u0001\u0000"+
		"\u0000\u0000\u0101\u00ff\u0001\u0000\u0000\u0000\u0101\u0102\u0001\u0000"+
		"\u0000\u0000\u0102!\u0001\u0000\u0000\u0000\u0103\u0101\u0001\u0000\u0000"+
		"\u0000\u001c#(.?EJTW^fmt\u0084\u0088\u008c\u0092\u009c\u00a2\u00ab\u00b0"+
		"\u00b9\u00bc\u00bf\u00c3\u00d7\u00eb\u00ff\u0101";
	public static final ATN _ATN =
		new ATNDeserializer().deserialize(_serializedATN.toCharArray());
	static {
		_decisionToDFA = new DFA[_ATN.getNumberOfDecisions()];
		for (int i = 0; i < _ATN.getNumberOfDecisions(); i++) {
			_decisionToDFA[i] = new DFA(_ATN.getDecisionState(i), i);
		}
	}
}