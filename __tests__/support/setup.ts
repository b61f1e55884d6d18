// CDKTF's jest matchers (toHaveResource, toHaveResourceWithProperties, ...): none needs terraform.
import { Testing } from 'cdktf';

Testing.setupJest();
