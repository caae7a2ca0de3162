# Production image, as Shopify's Remix app template builds it: install, build, then at
# start `npm run setup` (Prisma clients + migrations on DATABASE_URL) and serve.
# Debian rather than Alpine: better-sqlite3 ships prebuilt binaries for glibc.
FROM node:20-bookworm-slim

EXPOSE 3000
WORKDIR /app

ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .
RUN npm run build

# DATABASE_URL: a postgresql:// URL for several instances, or a SQLite file on a volume.
CMD ["npm", "run", "docker-start"]
