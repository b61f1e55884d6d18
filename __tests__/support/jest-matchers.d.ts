// Types for CDKTF's jest matchers, registered at run time by setup.ts.
import 'cdktf/lib/testing/adapters/jest';
