// Types for CDKTF's jest matchers, registered at run time by Testing.setupJest() in the files that use them.
import 'cdktf/lib/testing/adapters/jest';
