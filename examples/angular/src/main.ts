import { bootstrapApplication } from '@angular/platform-browser';
import { provideZonelessChangeDetection } from '@angular/core';
import { ChatComponent } from './app/chat.component';
import { CHAT_SETTINGS, settingsFromQuery } from './app/settings';
import { provideSmoothOperator } from 'smooth-operator-rx/angular';

const settings = settingsFromQuery(window.location.search);

bootstrapApplication(ChatComponent, {
  providers: [
    provideZonelessChangeDetection(),
    { provide: CHAT_SETTINGS, useValue: settings },
    provideSmoothOperator({ url: settings.serverUrl }),
  ],
}).catch((err: unknown) => console.error(err));
