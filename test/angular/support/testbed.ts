/**
 * TestBed on the DOM-free renderer: import this first in an Angular test file. The JIT compiler
 * comes first because Angular's packages ship partially compiled (`ɵɵngDeclare…`) and the test
 * components use decorators.
 */
import '@angular/compiler';
import { APP_ID, ApplicationModule, DOCUMENT, ErrorHandler, NgModule, PLATFORM_ID, RendererFactory2, platformCore, ɵINJECTOR_SCOPE as INJECTOR_SCOPE } from '@angular/core';
import { TestBed, TestComponentRenderer } from '@angular/core/testing';
import { MemoryNode, MemoryRendererFactory } from './memory-renderer.js';

// ComponentFixture asks `nativeElement instanceof Node` for its DebugElement: with no DOM the
// answer is no (fixture.debugElement is null; tests read the MemoryNode tree instead).
(globalThis as { Node?: unknown }).Node ??= class NoDom {};

@NgModule({
  // What BrowserModule provides, less the DOM: the module is the root scope (ApplicationRef, …).
  imports: [ApplicationModule],
  exports: [ApplicationModule],
  providers: [
    { provide: INJECTOR_SCOPE, useValue: 'root' },
    { provide: PLATFORM_ID, useValue: 'browser' },
    { provide: APP_ID, useValue: 'smooth' },
    { provide: RendererFactory2, useClass: MemoryRendererFactory },
    { provide: ErrorHandler, useClass: ErrorHandler },
    // Angular asks the document only for a place for component styles (there are none here).
    { provide: DOCUMENT, useFactory: () => ({ head: new MemoryNode('element', 'head') }) },
    // The base class inserts nothing: the renderer creates each fixture's host on demand.
    { provide: TestComponentRenderer, useClass: TestComponentRenderer },
  ],
})
class MemoryTestingModule {}

TestBed.initTestEnvironment(MemoryTestingModule, platformCore(), { teardown: { destroyAfterEach: true } });

export { MemoryNode } from './memory-renderer.js';
