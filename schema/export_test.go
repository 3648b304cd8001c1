package schema

// JSONLen exports jsonLen to the tests of package schema_test.
var JSONLen = jsonLen
