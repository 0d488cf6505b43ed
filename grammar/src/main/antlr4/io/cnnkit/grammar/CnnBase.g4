// The .cnn language. Line breaks carry no meaning: every statement starts with a keyword or
// `NAME =`, and a chain continues only through `->`, so statements never run together.
grammar CnnBase;

compilationUnit
    : networkDecl? importDecl* topItem* EOF
    ;

networkDecl
    : NETWORK IDENT
    ;

importDecl
    : IMPORT STRING
    ;

topItem
    : moduleDecl                                    #moduleItem
    | INPUT IDENT ':' shape                         #inputItem
    | AUX? OUTPUT IDENT ('=' chain)?                #outputItem
    | IDENT '=' chain                               #valueItem
    | LET IDENT '=' expr                            #letItem
    ;

moduleDecl
    : MODULE IDENT '(' (param (',' param)*)? ')' '{' moduleStmt* '}'
    ;

param
    : IDENT ('=' expr)?
    ;

moduleStmt
    : IDENT '=' chain                               #moduleValue
    | LET IDENT '=' expr                            #moduleLet
    | OUT chain                                     #moduleOut
    ;

// A chain starts from a value (or a merge of values) and flows through layers.
chain
    : head ('->' layer)*
    ;

head
    : IF expr '{' chain '}' ELSE '{' chain '}'      #conditionalHead
    | IN                                            #inHead
    | IDENT                                         #referenceHead
    | layer                                         #layerHead
    ;

layer
    : (label ':')? layerBody shapeAssertion?
    ;

// A name (`conv1`), a position as nn.Sequential numbers it (`0`), or any other module name
// PyTorch allows, quoted (`"block1-0"`).
label
    : IDENT
    | INT
    | STRING
    ;

layerBody
    : REPEAT expr (AS IDENT)? repeatTarget          #repeatBody
    | '[' layer ('->' layer)* ']'                   #groupBody
    | call                                          #callBody
    ;

repeatTarget
    : call                                          #repeatCall
    | '(' layer ('->' layer)* ')'                   #repeatChain
    ;

call
    : IDENT ('(' (argument (',' argument)*)? ')')?
    ;

argument
    : (IDENT '=')? expr
    ;

shapeAssertion
    : ':' shape
    ;

shape
    : SHAPE
    | INT
    ;

// Listed from tightest to loosest binding.
expr
    : '(' expr ')'                                  #parenExpr
    | '(' expr (',' expr)+ ')'                      #tupleExpr
    | op=('-' | '!') expr                           #unaryExpr
    | expr op=('*' | '/' | '%') expr                #multiplicativeExpr
    | expr op=('+' | '-') expr                      #additiveExpr
    | expr op=('<' | '<=' | '>' | '>=') expr        #relationalExpr
    | expr op=('==' | '!=') expr                    #equalityExpr
    | expr '&&' expr                                #andExpr
    | expr '||' expr                                #orExpr
    | IF expr THEN expr ELSE expr                   #conditionalExpr
    | IDENT '(' expr (',' expr)* ')'                #functionExpr
    | INT                                           #intLiteral
    | FLOAT                                         #floatLiteral
    | SHAPE                                         #dimsLiteral
    | (TRUE | FALSE)                                #boolLiteral
    | STRING                                        #stringLiteral
    | IN                                            #inReference
    | IDENT                                         #nameReference
    ;

NETWORK : 'network';
IMPORT  : 'import';
INPUT   : 'input';
OUTPUT  : 'output';
AUX     : 'aux';
MODULE  : 'module';
OUT     : 'out';
REPEAT  : 'repeat';
AS      : 'as';
IF      : 'if';
THEN    : 'then';
ELSE    : 'else';
TRUE    : 'true';
FALSE   : 'false';
IN      : 'in';
LET     : 'let';

ARROW   : '->';
LE      : '<=';
GE      : '>=';
EQ      : '==';
NE      : '!=';
AND     : '&&';
OR      : '||';
LT      : '<';
GT      : '>';
ASSIGN  : '=';
COLON   : ':';
COMMA   : ',';
LPAREN  : '(';
RPAREN  : ')';
LBRACE  : '{';
RBRACE  : '}';
LBRACKET: '[';
RBRACKET: ']';
PLUS    : '+';
MINUS   : '-';
STAR    : '*';
SLASH   : '/';
PERCENT : '%';
BANG    : '!';

// `3x224x224` (a shape, or a kernel such as `3x5`); longer than INT, so the lexer prefers it.
SHAPE   : DIGITS ('x' DIGITS)+;
FLOAT   : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT;
INT     : DIGITS;
STRING  : '"' (~["\\\r\n] | '\\' .)* '"';
// Shorter than STRING when the closing quote is there, so it only wins when it is missing.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' .)*;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]*;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
// Cannot contain `*/`, so it only matches a comment that runs to the end of the file.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;
WS            : [ \t\r\n\f]+ -> channel(HIDDEN);

// Anything else becomes one token so the parser reports it where it stands.
UNKNOWN_CHAR  : .;

fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? DIGITS;
